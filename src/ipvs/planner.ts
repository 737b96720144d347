/**
 * Desired table + current kernel table → the minimal ordered list of kernel
 * operations. Pure. Edits in place where the kernel allows it:
 *   scheduler / flags / persistence / netmask / pe change → SET_SERVICE,
 *   weight / thresholds / forwarding / tunnel change     → SET_DEST,
 *   a different protocol / address / port / fwmark is another key → delete + add.
 * Order: removed services first (frees their destinations), then per kept
 * service edit → removed dests → changed dests → new dests, then new services
 * with their dests, then timeouts and sync daemons.
 */
import type { Op } from './codec.ts';
import {
  serviceKeyId, type Destination, type Service, type SyncDaemon, type Table, type Timeouts, type VirtualService,
} from './model.ts';
import type { DesiredTable } from './validate.ts';

export interface CurrentState extends Table { timeouts?: Timeouts | undefined; daemons?: SyncDaemon[] | undefined }

/** Same set of scheduler flags (order-insensitive); the usual case, none on either side, allocates nothing. */
function sameFlags(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  return a.length === 0 || [...a].sort().join() === [...b].sort().join();
}

export function sameServiceSettings(want: Service, have: Service): boolean {
  if (want.scheduler !== have.scheduler) return false;
  if ((want.persistent ?? null) !== (have.persistent ?? null)) return false;
  if (want.netmask !== have.netmask) return false;
  if (want.onePacket !== have.onePacket) return false;
  if (!sameFlags(want.schedFlags, have.schedFlags)) return false;
  if ((want.pe ?? '') !== (have.pe ?? '')) return false;
  if (want.persistent === undefined && want.timeout !== undefined && want.timeout !== (have.timeout ?? 0)) return false;
  return true;
}

export function sameDestSettings(want: Destination, have: Destination): boolean {
  if (want.forward !== have.forward || want.weight !== have.weight) return false;
  if (want.upperThreshold !== have.upperThreshold || want.lowerThreshold !== have.lowerThreshold) return false;
  if (want.forward === 'tunnel') {
    const a = want.tunnel ?? { type: 'ipip', port: 0, checksum: 'nocsum' };
    const b = have.tunnel ?? { type: 'ipip', port: 0, checksum: 'nocsum' };
    if (a.type !== b.type || a.port !== b.port || a.checksum !== b.checksum) return false;
  }
  return true;
}

// addresses are canonical already (validate.ts and the decoder produce inet_ntop forms)
const dkey = (d: Pick<Destination, 'address' | 'port'>) => `${d.address}|${d.port}`;

export function plan(desired: DesiredTable, current: CurrentState): Op[] {
  const ops: Op[] = [];
  const have = new Map(current.services.map((s) => [serviceKeyId(s.key), s]));
  const want = new Map(desired.services.map((s) => [serviceKeyId(s.key), s]));

  for (const [id, s] of have) if (!want.has(id)) ops.push({ op: 'del-service', key: s.key });

  const added: Op[] = [];
  const settings = (w: VirtualService): Service => { const { destinations: _, ...svc } = w; return svc; };
  for (const [id, w] of want) {
    const h = have.get(id);
    if (!h) {
      added.push({ op: 'add-service', service: settings(w) });
      for (const d of w.destinations) added.push({ op: 'add-dest', key: w.key, dest: d });
      continue;
    }
    if (!sameServiceSettings(w, h)) ops.push({ op: 'edit-service', service: settings(w) });
    // one map (have) and one key per destination: a matched one leaves the map, what remains is removed
    // (destinations are unique per service, validate.ts)
    const hd = new Map<string, Destination>();
    for (const d of h.destinations) hd.set(dkey(d), d);
    const edits: Op[] = [];
    const adds: Op[] = [];
    for (const d of w.destinations) {
      const k = dkey(d);
      const x = hd.get(k);
      if (!x) { adds.push({ op: 'add-dest', key: w.key, dest: d }); continue; }
      hd.delete(k);
      if (!sameDestSettings(d, x)) edits.push({ op: 'edit-dest', key: w.key, dest: d });
    }
    for (const d of hd.values()) ops.push({ op: 'del-dest', key: w.key, dest: { family: d.family, address: d.address, port: d.port } });
    for (const o of edits) ops.push(o);
    for (const o of adds) ops.push(o);
  }
  ops.push(...added);

  if (desired.timeouts) {
    const t = desired.timeouts;
    const c = current.timeouts;
    const diff = (['tcp', 'tcpFin', 'udp'] as const).filter((k) => t[k] !== undefined && t[k] !== 0 && t[k] !== c?.[k]);
    if (diff.length) ops.push({ op: 'set-timeouts', timeouts: Object.fromEntries(diff.map((k) => [k, t[k]])) });
  }
  if (desired.daemons) {
    const cur = new Map((current.daemons ?? []).map((d) => [d.state, d]));
    const wantD = new Map(desired.daemons.map((d) => [d.state, d]));
    const sameD = (a: SyncDaemon, b: SyncDaemon) => a.ifname === b.ifname && a.syncId === b.syncId &&
      (a.maxLen === undefined || a.maxLen === b.maxLen) && (a.group === undefined || a.group === b.group) &&
      (a.port === undefined || a.port === b.port) && (a.ttl === undefined || a.ttl === b.ttl);
    for (const [st, d] of cur) { const w = wantD.get(st); if (!w || !sameD(w, d)) ops.push({ op: 'del-daemon', state: st }); }
    for (const [st, w] of wantD) { const d = cur.get(st); if (!d || !sameD(w, d)) ops.push({ op: 'add-daemon', daemon: w }); }
  }
  return ops;
}
