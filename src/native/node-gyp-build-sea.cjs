// Replaces `node-gyp-build` in the bundle: netlink's binding comes from the SEA
// asset (or node_modules outside the SEA) through lvsha's loader.
const { loadNative } = require('./load.ts');
module.exports = function nodeGypBuild() {
  return loadNative('netlink.node', 'node_modules/netlink/prebuilds/linux-x64/node.napi.node');
};
