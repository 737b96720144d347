/** validate-all: IPaddr2's prologue only (ip_validate + findif checks). */
import { OCF } from '../ocf/exit-codes.ts';
import type { ActionContext } from '../ocf/types.ts';
import { withVip } from './prepare.ts';

export function validateAll(ctx: ActionContext): Promise<number> {
  return withVip(ctx, async () => OCF.SUCCESS);
}
