/**
 * desired + current → IPVS ops, limited to the services this director owns:
 * every other service in the kernel (another instance, keepalived, an admin's)
 * is left alone. Additions and edits come before deletions so a virtual never
 * passes through an empty state while a real is swapped.
 */
import { destKeyId, serviceKeyId, type Destination, type Service, type Table } from '../ipvs/model.ts';
import type { IpvsOp } from './model.ts';

function sameService(a: Service, b: Service): boolean {
  if (a.scheduler !== b.scheduler) return false;
  if ((a.persistent ?? undefined) !== (b.persistent ?? undefined)) return false;
  if (a.persistent !== undefined && a.netmask !== b.netmask) return false;
  if (a.onePacket !== b.onePacket) return false;
  const fa = [...a.schedFlags].sort().join(',');
  const fb = [...b.schedFlags].sort().join(',');
  return fa === fb;
}

function sameDest(a: Destination, b: Destination): boolean {
  // The kernel reports "local" for a real that is one of our own addresses (ldirectord tolerates it too).
  const fwdOk = a.forward === b.forward || b.forward === 'local';
  return fwdOk && a.weight === b.weight && a.upperThreshold === b.upperThreshold && a.lowerThreshold === b.lowerThreshold;
}

function serviceOnly(s: Service): Service {
  const { key, scheduler, persistent, netmask, onePacket, schedFlags, pe, timeout } = s;
  const out: Service = { key, scheduler, netmask, onePacket, schedFlags };
  if (persistent !== undefined) out.persistent = persistent;
  if (pe !== undefined) out.pe = pe;
  if (timeout !== undefined && persistent !== undefined) out.timeout = timeout;
  return out;
}

function destOnly(d: Destination): Destination {
  const { family, address, port, forward, weight, upperThreshold, lowerThreshold, tunnel } = d;
  const out: Destination = { family, address, port, forward, weight, upperThreshold, lowerThreshold };
  if (tunnel !== undefined) out.tunnel = tunnel;
  return out;
}

/**
 * @param owned ids of services this director manages but no longer wants (removed
 *              from the config, or a clean stop); deleted when present.
 */
export function planOps(desired: Table, current: Table, owned: Iterable<string> = []): IpvsOp[] {
  const adds: IpvsOp[] = [];
  const dels: IpvsOp[] = [];
  const cur = new Map(current.services.map((s) => [serviceKeyId(s.key), s]));
  const want = new Set<string>();
  for (const ds of desired.services) {
    const id = serviceKeyId(ds.key);
    want.add(id);
    const cs = cur.get(id);
    if (!cs) {
      adds.push({ op: 'add-service', service: serviceOnly(ds) });
      for (const d of ds.destinations) adds.push({ op: 'add-dest', key: ds.key, dest: destOnly(d) });
      continue;
    }
    if (!sameService(ds, cs)) adds.push({ op: 'edit-service', service: serviceOnly(ds) });
    const curDests = new Map(cs.destinations.map((d) => [destKeyId(d), d]));
    const wantDests = new Set<string>();
    for (const d of ds.destinations) {
      const did = destKeyId(d);
      wantDests.add(did);
      const cd = curDests.get(did);
      if (!cd) adds.push({ op: 'add-dest', key: ds.key, dest: destOnly(d) });
      else if (!sameDest(d, cd)) adds.push({ op: 'edit-dest', key: ds.key, dest: destOnly(d) });
    }
    for (const [did, cd] of curDests) {
      if (!wantDests.has(did)) dels.push({ op: 'del-dest', key: cs.key, dest: { family: cd.family, address: cd.address, port: cd.port } });
    }
  }
  for (const id of owned) {
    const cs = cur.get(id);
    if (cs && !want.has(id)) dels.push({ op: 'del-service', key: cs.key });
  }
  return [...adds, ...dels];
}

/** Differences of desired vs current, as text lines (the agent's monitor and `status` use it). */
export function describeDrift(desired: Table, current: Table): string[] {
  return planOps(desired, current).map((o) => {
    switch (o.op) {
      case 'add-service': return `missing service ${serviceKeyId(o.service.key)}`;
      case 'edit-service': return `service ${serviceKeyId(o.service.key)} differs`;
      case 'del-service': return `extra service ${serviceKeyId(o.key)}`;
      case 'add-dest': return `missing ${serviceKeyId(o.key)} -> ${destKeyId(o.dest)} (weight ${o.dest.weight})`;
      case 'edit-dest': return `${serviceKeyId(o.key)} -> ${destKeyId(o.dest)} differs (want weight ${o.dest.weight} ${o.dest.forward})`;
      case 'del-dest': return `extra ${serviceKeyId(o.key)} -> ${destKeyId(o.dest)}`;
    }
  });
}
