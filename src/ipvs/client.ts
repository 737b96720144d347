/**
 * I/O: talks to kernel IPVS over generic netlink on the project's netlink
 * socket (src/netlink: only the netlink package's raw socket is loaded, lazily,
 * so agents that never touch IPVS never load it).
 *
 * Writes are batched: many requests encoded into one buffer per sendmsg (the
 * kernel runs the messages of a buffer in order; only the last asks for an ACK,
 * see NetlinkSocket.batch), several batches in flight. Dumps are serialised by
 * the socket (one dump per socket at a time) and wait for in-flight writes, so a
 * listing never races a change.
 */
import { AttrWriter, IPVS_GENL_NAME, IPVS_GENL_VERSION } from './attrs.ts';
import {
  decodeConfigMsg, decodeDaemonMsg, decodeDestMsg, decodeInfoMsg, decodeServiceMsg, encodeOp, OP_CMD, requests, writeOpAttrs, type Op, type Request,
} from './codec.ts';
import { IpvsApplyError, IpvsKernelError, IpvsNotLoadedError, IpvsPermissionError, errnoOf, kernelError } from './errors.ts';
import type { Destination, Info, Service, ServiceKey, SyncDaemon, Table, Timeouts, VirtualService } from './model.ts';
import type { CurrentState } from './planner.ts';
import { attrMap, str } from '../netlink/message.ts';
import type { BatchItem, NetlinkSocket } from '../netlink/socket.ts';

const GENL_ID_CTRL = 0x10;
const CTRL_CMD_GETFAMILY = 3;
const CTRL_ATTR_FAMILY_ID = 1;
const CTRL_ATTR_FAMILY_NAME = 2;

const genl = (cmd: number, version: number, data: Uint8Array): Buffer => Buffer.concat([Buffer.from([cmd, version, 0, 0]), data]);

export interface ApplyResult { applied: Op[]; requests: number }

export class IpvsClient {
  /** Netlink requests sent on this client (reads + writes), for benchmarks and tests. */
  requests = 0;
  /** Write requests (ops) sent. */
  writes = 0;
  /** sendmsg calls used for batched writes. */
  sends = 0;
  private readonly sock: NetlinkSocket;
  private readonly family: number;
  private inflight = 0;
  private idleWaiters: (() => void)[] = [];

  private constructor(sock: NetlinkSocket, family: number) {
    this.sock = sock;
    this.family = family;
  }

  /** Open a socket and resolve the "IPVS" family. Throws IpvsNotLoadedError / IpvsPermissionError. */
  static async open(): Promise<IpvsClient> {
    const { NETLINK_GENERIC, NetlinkSocket } = await import('../netlink/socket.ts');
    let sock: NetlinkSocket;
    try {
      sock = await NetlinkSocket.open(NETLINK_GENERIC, 8 << 20);
    } catch (e) {
      throw kernelError(e, undefined, 'open generic netlink socket');
    }
    try {
      const [reply] = await sock.request(GENL_ID_CTRL, 0, genl(CTRL_CMD_GETFAMILY, 1, str(CTRL_ATTR_FAMILY_NAME, IPVS_GENL_NAME)), 'resolve the IPVS netlink family');
      const id = reply ? attrMap(reply.data.subarray(4)).get(CTRL_ATTR_FAMILY_ID) : undefined;
      if (!id) throw Object.assign(new Error('IPVS family has no id'), { code: 'ENOENT' });
      return new IpvsClient(sock, id.readUInt16LE(0));
    } catch (e) {
      sock.close();
      const errno = errnoOf(e);
      if (errno === 'EPERM' || errno === 'EACCES') throw new IpvsPermissionError('resolve the IPVS netlink family', e);
      if (errno === 'ENOENT' || errno === 'EINVAL') throw new IpvsNotLoadedError(e);
      throw kernelError(e, undefined, 'resolve the IPVS netlink family');
    }
  }

  close(): void { this.sock.close(); }

  private async waitIdle(): Promise<void> {
    while (this.inflight > 0) await new Promise<void>((r) => this.idleWaiters.push(r));
  }

  private done(): void {
    this.inflight--;
    if (this.inflight === 0) { const w = this.idleWaiters; this.idleWaiters = []; w.forEach((f) => f()); }
  }

  /** Send one request; returns the attribute payloads of its reply messages. */
  private async call(req: Request, op?: Op): Promise<Buffer[]> {
    if (req.dump) await this.waitIdle();
    this.inflight++;
    this.requests++;
    if (op) this.writes++;
    try {
      const msgs = await this.sock.request(this.family, 0, genl(req.cmd, IPVS_GENL_VERSION, req.data), op ? op.op : 'IPVS request', { dump: req.dump });
      return msgs.map((m) => m.data.subarray(4));
    } catch (e) {
      throw kernelError(e, op);
    } finally {
      this.done();
    }
  }

  /** Several write requests in ONE sendmsg, encoded into one buffer; resolves per request with true or the kernel's error. */
  private async callBatch(batch: readonly Op[]): Promise<(true | Error)[]> {
    this.inflight++;
    this.requests += batch.length;
    this.writes += batch.length;
    this.sends++;
    try {
      const w = new AttrWriter(batch.length * 128);
      const ends: number[] = new Array<number>(batch.length);
      for (let i = 0; i < batch.length; i++) {
        const op = batch[i]!;
        writeOpAttrs(w.genlHeader(OP_CMD[op.op], IPVS_GENL_VERSION), op);
        ends[i] = w.length;
      }
      const buf = w.view(); // views into it only once every request is written (the writer may move its buffer)
      const items: BatchItem[] = batch.map((op, i) => ({ type: this.family, flags: 0, data: buf.subarray(i ? ends[i - 1] : 0, ends[i]), what: op.op }));
      const results = await this.sock.batch(items);
      return results.map((r, i) => (r instanceof Error ? kernelError(r, batch[i]) : true));
    } finally {
      this.done();
    }
  }

  // ---------- reads ----------

  async getInfo(): Promise<Info> { const [m] = await this.call(requests.getInfo()); return decodeInfoMsg(m ?? Buffer.alloc(0)); }
  async getTimeouts(): Promise<Timeouts> { const [m] = await this.call(requests.getConfig()); return decodeConfigMsg(m ?? Buffer.alloc(0)); }
  async getServices(): Promise<Service[]> { return (await this.call(requests.getServices())).map((m) => decodeServiceMsg(m)); }
  async getService(key: ServiceKey): Promise<Service | undefined> {
    try { const [m] = await this.call(requests.getService(key)); return m ? decodeServiceMsg(m) : undefined; }
    catch (e) { if (e instanceof IpvsKernelError && (e.errno === 'ESRCH' || e.errno === 'ENOENT')) return undefined; throw e; }
  }
  async getDests(key: ServiceKey): Promise<Destination[]> {
    return (await this.call(requests.getDests(key))).map((m) => decodeDestMsg(m, key.family));
  }
  async getDaemons(): Promise<SyncDaemon[]> {
    return (await this.call(requests.getDaemons())).map((m) => decodeDaemonMsg(m)).filter((d): d is SyncDaemon => d !== undefined);
  }
  /** Services with their destinations (one dump, then one dump per service). */
  async getTable(): Promise<Table> {
    const services = await this.getServices();
    const out: VirtualService[] = [];
    for (const s of services) out.push({ ...s, destinations: await this.getDests(s.key) });
    return { services: out };
  }
  async getState(): Promise<CurrentState> {
    const t = await this.getTable();
    return { ...t, timeouts: await this.getTimeouts(), daemons: await this.getDaemons() };
  }

  // ---------- writes ----------

  async exec(op: Op): Promise<void> { await this.call(encodeOp(op), op); }
  flush(): Promise<void> { return this.exec({ op: 'flush' }); }
  zero(key?: ServiceKey): Promise<void> { return this.exec({ op: 'zero', key }); }
  setTimeouts(t: Partial<Timeouts>): Promise<void> { return this.exec({ op: 'set-timeouts', timeouts: t }); }

  /**
   * Send ops in order, pipelined. On the first rejection nothing more is sent;
   * the requests already in flight complete, and IpvsApplyError lists exactly
   * which ops the kernel applied (acknowledged), which it rejected, and which
   * were never sent.
   */
  async apply(ops: readonly Op[], opts: { window?: number; batch?: number } = {}): Promise<ApplyResult> {
    const window = Math.max(1, opts.window ?? 4); // batches in flight
    const size = Math.max(1, opts.batch ?? 64);   // requests per sendmsg
    const before = this.requests;
    const result: (true | Error | undefined)[] = new Array(ops.length);
    let next = 0;
    let stop = false;
    await new Promise<void>((resolve) => {
      let inflight = 0;
      const pump = (): void => {
        while (!stop && inflight < window && next < ops.length) {
          const from = next;
          const batch = ops.slice(from, from + size);
          next += batch.length;
          inflight++;
          this.callBatch(batch).then((rs) => {
            rs.forEach((r, i) => { result[from + i] = r; if (r !== true) stop = true; });
          }, (e: Error) => { batch.forEach((_, i) => { result[from + i] = e; }); stop = true; })
            .finally(() => { inflight--; if (inflight === 0 && (stop || next >= ops.length)) resolve(); else pump(); });
        }
        if (inflight === 0) resolve();
      };
      pump();
    });
    const applied = ops.filter((_, i) => result[i] === true);
    const firstBad = result.findIndex((r) => r !== undefined && r !== true);
    if (firstBad >= 0) {
      const err = result[firstBad] as Error;
      const kerr = err instanceof IpvsKernelError ? err : new IpvsKernelError('EIO', err.message, { op: ops[firstBad] }, err);
      const rejected = ops.filter((_, i) => result[i] !== undefined && result[i] !== true);
      const pending = ops.filter((_, i) => result[i] === undefined);
      throw new IpvsApplyError(kerr, applied, ops[firstBad]!, pending, rejected);
    }
    return { applied, requests: this.requests - before };
  }
}
