import { ConfigError, NotInstalledError, PermissionError } from '../errors.ts';
import { OCF } from './exit-codes.ts';

/** The OCF exit code an uncaught error of an action stands for. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof ConfigError) return OCF.ERR_CONFIGURED;
  if (err instanceof NotInstalledError) return OCF.ERR_INSTALLED;
  if (err instanceof PermissionError) return OCF.ERR_PERM;
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'EPERM' || code === 'EACCES') return OCF.ERR_PERM;
  return OCF.ERR_GENERIC;
}
