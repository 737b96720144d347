/**
 * The director's IpvsPort on the project's IPVS client (src/ipvs/client.ts):
 * list the table, apply ops in order (batched), typed errors that say exactly
 * what was applied when the kernel rejects one midway.
 */
import type { IpvsClient } from '../ipvs/client.ts';
import { IpvsKernelError } from '../ipvs/errors.ts';
import type { Table, VirtualService } from '../ipvs/model.ts';
import type { IpvsOp, IpvsPort } from './model.ts';

export async function openIpvs(): Promise<IpvsPort> {
  const { IpvsClient: Client } = await import('../ipvs/client.ts');
  const client: IpvsClient = await Client.open();
  return {
    async list(): Promise<Table> {
      const services: VirtualService[] = [];
      for (const s of await client.getServices()) {
        try {
          services.push({ ...s, destinations: await client.getDests(s.key) });
        } catch (e) {
          // the service vanished between the two dumps (e.g. ipvsadm -C right now): skip it
          if (e instanceof IpvsKernelError && (e.errno === 'ESRCH' || e.errno === 'ENOENT')) continue;
          throw e;
        }
      }
      return { services };
    },
    async apply(ops: readonly IpvsOp[]): Promise<void> {
      if (ops.length > 0) await client.apply(ops);
    },
    close(): void { client.close(); },
  };
}
