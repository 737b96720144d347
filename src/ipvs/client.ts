/**
 * I/O: talks to kernel IPVS over generic netlink through the `netlink`
 * package (loaded lazily, so agents that never touch IPVS never load it).
 *
 * Writes are pipelined: up to `window` requests are in flight at once (the
 * kernel handles a socket's requests in order, so ordering is kept); dumps are
 * exclusive because the kernel allows one dump per socket and the package
 * groups multipart replies with a single state.
 */
import type { GenericNetlinkSocket } from 'netlink';
import { constants as osConstants } from 'node:os';
import { IPVS_GENL_NAME, IPVS_GENL_VERSION, NLM_F, hostU16, hostU32, readHostU32 } from './attrs.ts';
import {
  decodeConfigMsg, decodeDaemonMsg, decodeDestMsg, decodeInfoMsg, decodeServiceMsg, encodeOp, requests, type Op, type Request,
} from './codec.ts';
import { NotInstalledError } from '../errors.ts';
import { IpvsApplyError, IpvsKernelError, IpvsNotLoadedError, IpvsPermissionError, errnoOf, kernelError } from './errors.ts';
import type { Destination, Info, Service, ServiceKey, SyncDaemon, Table, Timeouts, VirtualService } from './model.ts';
import type { CurrentState } from './planner.ts';

const NLMSG_ERROR = 2;
const ERRNO_NAME: Record<number, string> = Object.fromEntries(Object.entries(osConstants.errno).map(([k, v]) => [v, k]));

/** The parts of the package's NetlinkSocket used for batching (public JS, protected in its typings). */
interface NlInternals {
  generateSeq(): number;
  makeRef(seq: number, cb: (err: Error | null, msgs?: { type: number; data: Buffer }[]) => void): number;
  dropRef(seq: number): void;
  socket: { send(msg: Uint8Array, opts: object, cb: (e?: Error) => void): void; address(): { port: number } };
}
const NLMSG_DONE = 3;
const CTRL_CMD_GETFAMILY = 3;

export interface ApplyResult { applied: Op[]; requests: number }

export class IpvsClient {
  /** Netlink requests sent on this client (reads + writes), for benchmarks and tests. */
  requests = 0;
  /** Write requests (ops) sent. */
  writes = 0;
  /** sendmsg calls used for batched writes. */
  sends = 0;
  private readonly sock: GenericNetlinkSocket;
  private readonly family: number;
  private inflight = 0;
  private idleWaiters: (() => void)[] = [];
  private dumpGate: Promise<void> | undefined;

  private constructor(sock: GenericNetlinkSocket, family: number) {
    this.sock = sock;
    this.family = family;
  }

  /** Open a socket and resolve the "IPVS" family. Throws IpvsNotLoadedError / IpvsPermissionError. */
  static async open(): Promise<IpvsClient> {
    // only the generic-netlink part of the package: its index also loads the large rtnetlink/nl80211/wg
    // tables, which costs seconds in a TCG VM and is pure start-up overhead for an agent
    type Genl = { createGenericNetlink?: typeof import('netlink').createGenericNetlink };
    let nl: Genl;
    try {
      const m = await import('netlink/dist/genl/genl.js' as string) as Genl & { default?: Genl };
      nl = typeof m.createGenericNetlink === 'function' ? m : m.default!;
    } catch {
      const m = await import('netlink') as unknown as Genl & { default?: Genl };
      nl = typeof m.createGenericNetlink === 'function' ? m : m.default!;
    }
    const create = nl.createGenericNetlink;
    if (!create) throw new NotInstalledError('the netlink package has no createGenericNetlink: reinstall it (npm ci)', { module: 'netlink' });
    let sock: GenericNetlinkSocket;
    try {
      sock = create({ recvBufferSize: 8 << 20, sendBufferSize: 8 << 20 } as Parameters<typeof create>[0]);
    } catch (e) {
      // the buffer sizes are a wish; retry with defaults
      try { sock = create(); } catch (e2) { throw kernelError(e2, undefined, 'open generic netlink socket'); }
      void e;
    }
    try {
      const [fam] = await sock.ctrlRequest(CTRL_CMD_GETFAMILY, { familyName: IPVS_GENL_NAME }, { timeout: 10000 });
      if (!fam?.familyId) throw new Error('Request rejected: ENOENT');
      return new IpvsClient(sock, fam.familyId);
    } catch (e) {
      sock.socket.close();
      const errno = errnoOf(e);
      if (errno === 'EPERM' || errno === 'EACCES') throw new IpvsPermissionError('resolve the IPVS netlink family', e);
      if (errno === 'ENOENT' || errno === 'EINVAL') throw new IpvsNotLoadedError(e);
      throw kernelError(e, undefined, 'resolve the IPVS netlink family');
    }
  }

  close(): void { this.sock.socket.close(); }

  private async waitIdle(): Promise<void> {
    while (this.inflight > 0) await new Promise<void>((r) => this.idleWaiters.push(r));
  }

  /** Send one request; returns the attribute payloads of its reply messages. */
  private async call(req: Request, op?: Op): Promise<Buffer[]> {
    while (this.dumpGate) await this.dumpGate;
    let release: (() => void) | undefined;
    if (req.dump) {
      this.dumpGate = new Promise<void>((r) => { release = r; });
      await this.waitIdle();
    }
    this.inflight++;
    this.requests++;
    if (op) this.writes++;
    try {
      const hdr = Buffer.from([req.cmd, IPVS_GENL_VERSION, 0, 0]);
      const [msgs] = await this.sock.socket.request(this.family, [hdr, req.data], { flags: req.dump ? NLM_F.DUMP : 0 });
      const out: Buffer[] = [];
      for (const m of msgs) if (m.type !== NLMSG_DONE && m.type !== NLMSG_ERROR) out.push(m.data.subarray(4));
      return out;
    } catch (e) {
      throw kernelError(e, op);
    } finally {
      this.inflight--;
      if (this.inflight === 0) { const w = this.idleWaiters; this.idleWaiters = []; w.forEach((f) => f()); }
      if (release) { this.dumpGate = undefined; release(); }
    }
  }

  /**
   * Send several write requests in ONE sendmsg (the kernel runs each message of
   * the buffer in order and ACKs each by sequence number). Resolves per request
   * with true or the kernel's error. Uses the package's request table so the
   * ACKs are routed like its own requests.
   */
  private async callBatch(batch: readonly Op[]): Promise<(true | Error)[]> {
    while (this.dumpGate) await this.dumpGate;
    const nls = this.sock.socket as unknown as NlInternals;
    const port = nls.socket.address().port;
    const bufs: Buffer[] = [];
    const waits: Promise<true | Error>[] = [];
    const seqs: number[] = [];
    for (const op of batch) {
      const req = encodeOp(op);
      const seq = nls.generateSeq();
      const len = 16 + 4 + req.data.length;
      const h = Buffer.alloc(20);
      hostU32(h, len, 0); hostU16(h, this.family, 4); hostU16(h, NLM_F.REQUEST | NLM_F.ACK, 6);
      hostU32(h, seq, 8); hostU32(h, port, 12);
      seqs.push(seq);
      h[16] = req.cmd; h[17] = IPVS_GENL_VERSION;
      bufs.push(h, req.data);
      waits.push(new Promise<true | Error>((resolve) => {
        nls.makeRef(seq, (err, msgs) => {
          nls.dropRef(seq);
          if (err) return resolve(kernelError(err, op));
          const m = msgs?.[0];
          if (m && m.type === NLMSG_ERROR) {
            const code = readHostU32(m.data, 0) | 0;
            if (code !== 0) return resolve(kernelError(new Error(`Request rejected: ${ERRNO_NAME[-code] ?? String(-code)}`), op));
          }
          resolve(true);
        });
      }));
    }
    this.inflight++;
    this.requests += batch.length;
    this.writes += batch.length;
    this.sends++;
    try {
      const sent = new Promise<Error | undefined>((resolve) => nls.socket.send(Buffer.concat(bufs), {}, (e) => resolve(e)));
      const sendErr = await sent;
      if (sendErr) {
        // nothing of this batch reached the kernel
        for (const seq of seqs) nls.dropRef(seq);
        return batch.map((op) => kernelError(sendErr, op));
      }
      return await Promise.all(waits);
    } finally {
      this.inflight--;
      if (this.inflight === 0) { const w = this.idleWaiters; this.idleWaiters = []; w.forEach((f) => f()); }
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
