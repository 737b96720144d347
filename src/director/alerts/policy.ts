/**
 * Which alert e-mails the director sends, pure. ldirectord mails from
 * _restore_service / _remove_service / purge_untracked_service, i.e. whenever it
 * changes a real's IPVS entry; lvsha derives the same subjects from the IPVS
 * operations it applied (so a repaired `ipvsadm -C` is reported too).
 * Resends ("Inaccessible real server", emailalertfreq) follow the real's state:
 * tracked from the pass that first sees it down, dropped once it is up again.
 */
import { destKeyId, formatServiceKey } from '../../ipvs/model.ts';
import type { AlertSettings, DaemonPhase, DirectorConfig, DirectorVirtual, IpvsOp } from '../model.ts';
import { realKey, type DirectorState } from '../reconcile.ts';

export interface Alert {
  /** DirectorVirtual.id: recipients, smtp and servicename come from that virtual. */
  virtual: string;
  /** ldirectord's subject, before the "[servicename] " prefix. */
  subject: string;
  /** Daemon phase when it happened: emailalertstatus filters on it, the body reports it. */
  phase: DaemonPhase;
}

/** ldirectord's get_virtual(): "10.0.0.1:80", "[fd00::1]:80", or the fwmark. */
export function virtualLabel(v: Pick<DirectorVirtual, 'key' | 'vipPort'>): string {
  return v.key.fwmark !== undefined ? String(v.key.fwmark) : v.vipPort;
}

/** Whether ldirectord's ld_emailalert_send would mail: a recipient, and the phase allowed by emailalertstatus. */
export function wantsMail(s: AlertSettings, phase: DaemonPhase): boolean {
  return s.to.trim() !== '' && s.statuses.includes(phase);
}

/** Subjects for applied IPVS operations, in order. Service operations mail nothing (purge_virtual does not). */
export function alertsForOps(cfg: DirectorConfig, ops: readonly IpvsOp[], phase: DaemonPhase): Alert[] {
  const out: Alert[] = [];
  for (const op of ops) {
    if (op.op !== 'add-dest' && op.op !== 'edit-dest' && op.op !== 'del-dest') continue;
    const v = cfg.virtuals.find((x) => x.id === formatServiceKey(op.key));
    if (!v) continue; // not (or no longer) ours: nothing to say about it
    const did = destKeyId(op.dest);
    const label = `${did} (${virtualLabel(v)})`;
    const isReal = v.reals.some((r) => r.id === did);
    const tag = !isReal && v.fallback?.id === did ? 'fallback' : 'real';
    let subject: string;
    if (op.op === 'del-dest') {
      subject = isReal || tag === 'fallback' ? `Deleted ${tag} server: ${label}`
        : `Purged real server (${phase === 'stopping' ? 'stop' : 'start'}): ${label}`;
    } else if (op.dest.weight === 0) {
      // a real quiesced in place (-e -w 0) or re-added at weight 0 (readdquiescent): ldirectord says Quiescent for both
      subject = `Quiescent real server: ${label} (Weight set to 0)`;
    } else {
      subject = `${op.op === 'add-dest' ? 'Added' : 'Restored'} ${tag} server: ${label} (Weight set to ${op.dest.weight})`;
    }
    out.push({ virtual: v.id, subject, phase });
  }
  return out;
}

/**
 * Clean stop: ldirectord's ld_stop purges every real it holds up, one
 * "Purged real server (stop)" mail each, before deleting the virtual.
 */
export function stopAlerts(cfg: DirectorConfig, state: DirectorState, purged: Iterable<string>): Alert[] {
  const ids = new Set(purged);
  const out: Alert[] = [];
  for (const v of cfg.virtuals) {
    if (!ids.has(v.id)) continue;
    ids.delete(v.id); // a virtual written twice is purged once
    const seen = new Set<string>();
    for (const r of v.reals) {
      if (seen.has(r.id) || state.reals[realKey(v, r)]?.up !== true) continue;
      seen.add(r.id);
      out.push({ virtual: v.id, subject: `Purged real server (stop): ${r.id} (${virtualLabel(v)})`, phase: 'stopping' });
    }
  }
  return out;
}

export interface TrackedDown {
  virtual: string;
  /** When the last mail about it went out (or it was first seen down), ms since epoch. */
  at: number;
}

/** ldirectord's %EMAILSTATUS: key "rip:port (virtual)" → last alert time. */
export type ResendTracker = ReadonlyMap<string, TrackedDown>;

/**
 * Reals seen down (checked at least once, or in maintenance) with a non-zero
 * emailalertfreq are tracked; everything else (up, removed, freq 0, checktype=off) is dropped.
 */
export function trackDown(cfg: DirectorConfig, state: DirectorState, tracker: ResendTracker, now: number): Map<string, TrackedDown> {
  const out = new Map<string, TrackedDown>();
  for (const v of cfg.virtuals) {
    if (v.checksOff || v.alert.freq <= 0) continue;
    for (const r of v.reals) {
      const s = state.reals[realKey(v, r)];
      if (!s || s.up || s.last === undefined) continue;
      const key = `${r.id} (${virtualLabel(v)})`;
      out.set(key, tracker.get(key) ?? { virtual: v.id, at: now });
    }
  }
  return out;
}

/** ldirectord's ld_emailalert_resend: "Inaccessible real server" once emailalertfreq has passed since the last mail. */
export function dueResends(cfg: DirectorConfig, tracker: ResendTracker, now: number, phase: DaemonPhase): { tracker: Map<string, TrackedDown>; alerts: Alert[] } {
  const out = new Map<string, TrackedDown>();
  const alerts: Alert[] = [];
  for (const [key, e] of tracker) {
    const v = cfg.virtuals.find((x) => x.id === e.virtual);
    if (!v || v.alert.freq <= 0) continue;
    if (now - e.at < v.alert.freq * 1000) { out.set(key, e); continue; }
    alerts.push({ virtual: v.id, subject: `Inaccessible real server: ${key}`, phase });
    out.set(key, { virtual: v.id, at: now });
  }
  return { tracker: out, alerts };
}
