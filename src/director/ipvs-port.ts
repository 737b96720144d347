/**
 * IpvsPort over generic netlink, built from src/ipvs's codec and src/netlink's
 * socket: resolve the "IPVS" family, dump services + destinations, apply ops in
 * order. Kept small and local so the director works before src/ipvs ships its
 * own client; swap to it when it lands (same Op shapes).
 */
import { CMD_ATTR, IPVS_GENL_NAME, IPVS_GENL_VERSION, parseAttrs } from '../ipvs/attrs.ts';
import { decodeDestMsg, decodeServiceMsg, encodeOp, requests, type Request } from '../ipvs/codec.ts';
import { IpvsApplyError, IpvsNotLoadedError, kernelError, IpvsKernelError } from '../ipvs/errors.ts';
import type { Table, VirtualService } from '../ipvs/model.ts';
import { NETLINK_GENERIC, NetlinkSocket, NetlinkError } from '../netlink/socket.ts';
import type { IpvsOp, IpvsPort } from './model.ts';

const GENL_ID_CTRL = 0x10;
const CTRL_CMD_GETFAMILY = 3;
const CTRL_ATTR_FAMILY_ID = 1;
const CTRL_ATTR_FAMILY_NAME = 2;

function genlPayload(cmd: number, version: number, attrs: Uint8Array): Buffer {
  const h = Buffer.alloc(4);
  h[0] = cmd; h[1] = version;
  return Buffer.concat([h, attrs]);
}

function strAttr(type: number, s: string): Buffer {
  const v = Buffer.from(s + '\0');
  const len = 4 + v.length;
  const b = Buffer.alloc((len + 3) & ~3);
  b.writeUInt16LE(len, 0); b.writeUInt16LE(type, 2); v.copy(b, 4);
  return b;
}

export async function openIpvs(): Promise<IpvsPort> {
  const sock = await NetlinkSocket.open(NETLINK_GENERIC);
  let family: number;
  try {
    const r = await sock.request(GENL_ID_CTRL, 0, genlPayload(CTRL_CMD_GETFAMILY, 1, strAttr(CTRL_ATTR_FAMILY_NAME, IPVS_GENL_NAME)), 'resolve genl family IPVS');
    const msg = r[0];
    const id = msg ? parseAttrs(msg.data.subarray(4)).get(CTRL_ATTR_FAMILY_ID) : undefined;
    if (!id) throw new IpvsNotLoadedError();
    family = id.readUInt16LE(0);
  } catch (e) {
    sock.close();
    if (e instanceof NetlinkError && e.code === 'ENOENT') throw new IpvsNotLoadedError(e);
    if (e instanceof NetlinkError) throw kernelError(e, undefined, 'resolve genl family IPVS');
    throw e;
  }
  const send = async (req: Request, what: string) => {
    return sock.request(family, 0, genlPayload(req.cmd, IPVS_GENL_VERSION, req.data), what, { dump: req.dump });
  };
  return {
    async list(): Promise<Table> {
      let svcs;
      try { svcs = await send(requests.getServices(), 'list services'); }
      catch (e) { throw kernelError(e, undefined, 'list IPVS services'); }
      const services: VirtualService[] = [];
      for (const m of svcs) {
        const s = decodeServiceMsg(m.data.subarray(4));
        let dests;
        try { dests = await send(requests.getDests(s.key), 'list destinations'); }
        catch (e) {
          // the service vanished between the two dumps (e.g. ipvsadm -C right now): skip it
          if (e instanceof NetlinkError && (e.code === 'ESRCH' || e.code === 'ENOENT')) continue;
          throw kernelError(e, undefined, 'list IPVS destinations');
        }
        services.push({ ...s, destinations: dests.map((d) => decodeDestMsg(d.data.subarray(4), s.key.family)) });
      }
      return { services };
    },
    async apply(ops: readonly IpvsOp[]): Promise<void> {
      for (let i = 0; i < ops.length; i++) {
        const op = ops[i]!;
        try {
          await send(encodeOp(op), op.op);
        } catch (e) {
          const ke = kernelError(e, op);
          if (ke instanceof IpvsKernelError) throw new IpvsApplyError(ke, ops.slice(0, i), op, ops.slice(i + 1));
          throw ke;
        }
      }
    },
    close(): void { sock.close(); },
  };
}

// keep CMD_ATTR referenced for readers: SERVICE/DEST nests are built by the codec
void CMD_ATTR;
