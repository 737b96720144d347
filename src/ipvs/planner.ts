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
  serviceKeyId, type Destination, type Service, type SyncDaemon, type Table, type Timeouts,
} from './model.ts';
import type { DesiredTable } from './validate.ts';

export interface CurrentState extends Table { timeouts?: Timeouts | undefined; daemons?: SyncDaemon[] | undefined }

export function sameServiceSettings(want: Service, have: Service): boolean {
  if (want.scheduler !== have.scheduler) return false;
  if ((want.persistent ?? null) !== (have.persistent ?? null)) return false;
  if (want.netmask !== have.netmask) return false;
  if (want.onePacket !== have.onePacket) return false;
  if ([...want.schedFlags].sort().join() !== [...have.schedFlags].sort().join()) return false;
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
  for (const [id, w] of want) {
    const { destinations: wd, ...wsvc } = w;
    const h = have.get(id);
    if (!h) {
      added.push({ op: 'add-service', service: wsvc });
      for (const d of wd) added.push({ op: 'add-dest', key: w.key, dest: d });
      continue;
    }
    if (!sameServiceSettings(w, h)) ops.push({ op: 'edit-service', service: wsvc });
    const hd = new Map(h.destinations.map((d) => [dkey(d), d]));
    const wdm = new Map(wd.map((d) => [dkey(d), d]));
    for (const [k, d] of hd) if (!wdm.has(k)) ops.push({ op: 'del-dest', key: w.key, dest: { family: d.family, address: d.address, port: d.port } });
    for (const [k, d] of wdm) { const x = hd.get(k); if (x && !sameDestSettings(d, x)) ops.push({ op: 'edit-dest', key: w.key, dest: d }); }
    for (const [k, d] of wdm) if (!hd.has(k)) ops.push({ op: 'add-dest', key: w.key, dest: d });
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
