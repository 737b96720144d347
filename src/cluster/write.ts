/**
 * Writes a plan into a directory all-or-nothing: every file goes to a temp file
 * in the same directory first (right mode, fsynced), then all are renamed into
 * place. Existing files are refused unless `force`, before anything is written.
 */
import { randomBytes } from 'node:crypto';
import { constants as C, promises as fs } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError, PermissionError } from '../errors.ts';
import type { PlannedFile } from './plan.ts';

export async function writePlan(dir: string, files: PlannedFile[], force: boolean): Promise<string[]> {
  const existing: string[] = [];
  for (const f of files) {
    try {
      await fs.lstat(join(dir, f.name));
      existing.push(f.name);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  if (existing.length && !force) {
    throw new ConfigError(`would overwrite ${existing.join(', ')}`, { where: dir, hint: 'pass --force to replace them, or choose another --out' });
  }
  const tmps: { tmp: string; final: string }[] = [];
  try {
    for (const f of files) {
      const final = join(dir, f.name);
      await fs.mkdir(dirname(final), { recursive: true, mode: 0o755 });
      const tmp = join(dirname(final), `.${f.name.split('/').pop()}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
      // O_EXCL + the final mode from the start: a secret is never readable by others, not even briefly
      const h = await fs.open(tmp, C.O_WRONLY | C.O_CREAT | C.O_EXCL, 0o600);
      tmps.push({ tmp, final });
      try {
        await h.writeFile(f.content);
        await h.chmod(f.mode); // umask must not change the mode
        await h.sync();
      } finally {
        await h.close();
      }
    }
    for (const { tmp, final } of tmps) await fs.rename(tmp, final);
  } catch (e) {
    await Promise.all(tmps.map(({ tmp }) => fs.rm(tmp, { force: true })));
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') throw new PermissionError(`cannot write into ${dir}: ${code}`, { dir });
    throw e;
  }
  return tmps.map((t) => t.final);
}
