// Test double of the kernel IPVS table for daemon/agent unit tests (the VM groups use the real one).
import type { IpvsOp, IpvsPort } from '../../../src/director/model.ts';
import { serviceKeyId, destKeyId, type Table } from '../../../src/ipvs/model.ts';

/** An in-memory kernel table that applies ops like IPVS does. */
export function fakeKernel(initial: Table = { services: [] }) {
  const tab: Table = structuredClone(initial);
  const log: string[] = [];
  const port: IpvsPort = {
    async list() { return structuredClone(tab); },
    async apply(ops: readonly IpvsOp[]) {
      for (const o of ops) {
        log.push(o.op);
        if (o.op === 'add-service') { tab.services.push({ ...structuredClone(o.service), destinations: [] }); continue; }
        if (o.op === 'edit-service') { const s = tab.services.find((x) => serviceKeyId(x.key) === serviceKeyId(o.service.key))!; Object.assign(s, o.service); continue; }
        const s = tab.services.find((x) => serviceKeyId(x.key) === serviceKeyId(o.key));
        if (!s) throw new Error(`ESRCH ${o.op}`);
        if (o.op === 'del-service') tab.services.splice(tab.services.indexOf(s), 1);
        else if (o.op === 'add-dest') s.destinations.push(structuredClone(o.dest));
        else if (o.op === 'edit-dest') s.destinations = s.destinations.map((d) => destKeyId(d) === destKeyId(o.dest) ? structuredClone(o.dest) : d);
        else if (o.op === 'del-dest') s.destinations = s.destinations.filter((d) => destKeyId(d) !== destKeyId(o.dest));
      }
    },
    close() {},
  };
  return { tab, log, port };
}
