/**
 * IPVS error types. Kernel rejections become IpvsKernelError with the errno
 * name and the service/destination concerned; a missing "IPVS" genl family
 * becomes NotInstalledError (agents map it to OCF_ERR_INSTALLED).
 */
import { LvshaError, NotInstalledError, PermissionError } from '../errors.ts';
import type { Op } from './codec.ts';
import { formatAddrPort, formatServiceKey } from './model.ts';

export class IpvsNotLoadedError extends NotInstalledError {
  constructor(cause?: unknown) {
    super('ip_vs is not loaded: modprobe ip_vs', { module: 'ip_vs', hint: 'modprobe ip_vs' }, { cause });
  }
}

export class IpvsPermissionError extends PermissionError {
  constructor(what: string, cause?: unknown) {
    super(`${what}: permission denied (IPVS needs root or CAP_NET_ADMIN)`, { errno: 'EPERM' }, { cause });
  }
}

/** The kernel refused one request. */
export class IpvsKernelError extends LvshaError {
  readonly errno: string;
  readonly service: string | undefined;
  readonly destination: string | undefined;
  readonly op: Op | undefined;
  constructor(errno: string, message: string, ctx: { op?: Op | undefined; service?: string | undefined; destination?: string | undefined }, cause?: unknown) {
    super(message, { errno, service: ctx.service, destination: ctx.destination }, { cause });
    this.errno = errno;
    this.service = ctx.service;
    this.destination = ctx.destination;
    this.op = ctx.op;
  }
}

/**
 * apply() stopped midway. `applied`: ops the kernel acknowledged (in order);
 * `failed`: the first op it rejected (its error is `cause`); `rejected`: every
 * rejected op (with pipelining, ops already in flight may also fail or succeed);
 * `pending`: ops never sent.
 */
export class IpvsApplyError extends LvshaError {
  readonly applied: Op[];
  readonly failed: Op;
  readonly rejected: Op[];
  readonly pending: Op[];
  readonly errno: string;
  constructor(cause: IpvsKernelError, applied: Op[], failed: Op, pending: Op[], rejected: Op[] = [failed]) {
    const total = applied.length + rejected.length + pending.length;
    super(`${describeOp(failed)}: ${cause.message}; ${applied.length} of ${total} operations were applied` +
      (applied.length ? `: ${summarize(applied)}` : ' (the kernel table is unchanged)') +
      (rejected.length > 1 ? `; also rejected: ${summarize(rejected.filter((o) => o !== failed))}` : '') +
      (pending.length ? `; not sent: ${pending.length}` : ''),
      { errno: cause.errno, applied: applied.length, rejected: rejected.length, pending: pending.length }, { cause });
    this.applied = applied;
    this.failed = failed;
    this.rejected = rejected;
    this.pending = pending;
    this.errno = cause.errno;
  }
}

function summarize(ops: Op[]): string {
  const shown = ops.slice(0, 20).map(describeOp).join('; ');
  return ops.length > 20 ? `${shown}; … and ${ops.length - 20} more` : shown;
}

/** "add-dest TCP 10.0.0.1:80 -> 10.0.0.2:80". */
export function describeOp(op: Op): string {
  switch (op.op) {
    case 'add-service': case 'edit-service': return `${op.op} ${formatServiceKey(op.service.key)}`;
    case 'del-service': return `del-service ${formatServiceKey(op.key)}`;
    case 'add-dest': case 'edit-dest': case 'del-dest': return `${op.op} ${formatServiceKey(op.key)} -> ${formatAddrPort(op.dest.address, op.dest.port)}`;
    case 'zero': return op.key ? `zero ${formatServiceKey(op.key)}` : 'zero';
    case 'set-timeouts': return 'set-timeouts';
    case 'add-daemon': return `add-daemon ${op.daemon.state}`;
    case 'del-daemon': return `del-daemon ${op.state}`;
    case 'flush': return 'flush';
  }
}

/** errno name from the netlink package's rejection ("Request rejected: ENOENT") or an ErrnoException. */
export function errnoOf(err: unknown): string | undefined {
  if (err && typeof err === 'object') {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z0-9]+$/.test(code)) return code;
    const msg = (err as { message?: unknown }).message;
    if (typeof msg === 'string') {
      const m = /Request rejected: (E[A-Z0-9]+|-?\d+)/.exec(msg);
      if (m) return m[1];
    }
  }
  return undefined;
}

/** Map a failure of `op` to a typed error with an admin-readable message. */
export function kernelError(err: unknown, op: Op | undefined, what?: string): LvshaError {
  const errno = errnoOf(err);
  if (!errno) return err instanceof LvshaError ? err : new LvshaError(`${what ?? (op ? describeOp(op) : 'IPVS request')}: ${String((err as Error)?.message ?? err)}`, {}, { cause: err });
  const service = op && 'service' in op ? formatServiceKey(op.service.key) : op && 'key' in op && op.key ? formatServiceKey(op.key) : undefined;
  const destination = op && 'dest' in op ? formatAddrPort(op.dest.address, op.dest.port) : undefined;
  if (errno === 'EPERM' || errno === 'EACCES') return new IpvsPermissionError(what ?? (op ? describeOp(op) : 'IPVS request'), err);
  const subject = destination ? `destination ${destination} of service ${service}` : service ? `service ${service}` : 'IPVS';
  let text: string;
  switch (errno) {
    case 'EEXIST': text = destination ? `${subject} already exists` : `${subject} already exists`; break;
    case 'ESRCH': text = op?.op === 'add-dest' || op?.op === 'edit-dest' || op?.op === 'del-dest' ? `service ${service} does not exist` : `${subject} does not exist`; break;
    case 'ENOENT':
      if (op && (op.op === 'add-service' || op.op === 'edit-service')) {
        const s = op.service;
        text = `scheduler or persistence engine not available for ${subject}: ip_vs_${s.scheduler} not available` +
          (s.pe ? ` (or ip_vs_pe_${s.pe})` : '') + `; check the name or modprobe ip_vs_${s.scheduler}`;
      } else if (op?.op === 'del-dest' || op?.op === 'edit-dest') text = `${subject} does not exist`;
      else text = `${subject}: not found (ENOENT)`;
      break;
    case 'EINVAL': text = `${subject}: the kernel rejected the request as invalid (EINVAL)` +
      (destination && op && 'dest' in op && op.dest.family !== (op.key.family) ? '; a different address family is allowed only for tunnel destinations' : ''); break;
    case 'EAFNOSUPPORT': text = `${subject}: address family not supported by this kernel (EAFNOSUPPORT)`; break;
    case 'EBUSY': text = `${subject}: busy (EBUSY)`; break;
    default: text = `${subject}: ${what ?? (op ? describeOp(op) : 'request')} failed with ${errno}`;
  }
  return new IpvsKernelError(errno, text, { op, service, destination }, err);
}
