/**
 * run_arping: IPv4 duplicate address detection before adding the address.
 * Receiving ARP replies needs a receive call the native helper does not have
 * yet, so this rarely used option forks iputils arping exactly as IPaddr2 does:
 * `arping -q -c 2 -w 3 -D -I nic ip`, rc 1 = an answer came = collision.
 */
import { execFile } from 'node:child_process';
import { NotInstalledError } from '../errors.ts';

export function arpingCollision(nic: string, ip: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    execFile('arping', ['-q', '-c', '2', '-w', '3', '-D', '-I', nic, ip], (err) => {
      if (!err) return resolve(false);
      const e = err as NodeJS.ErrnoException & { code?: unknown };
      if (e.code === 'ENOENT') return reject(new NotInstalledError('Setup problem: couldn\'t find command: arping (apt-get install iputils-arping)'));
      resolve(typeof e.code === 'number' && e.code === 1);
    });
  });
}
