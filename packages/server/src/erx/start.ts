/**
 * Wires e-prescription sending into a server node: the sender CONTINUUM_ERX_SENDER names, and the
 * send loop over every tenant that has erx-send Tasks. Nothing runs when the node runs no jobs
 * (`config.jobs` off) or the sender is `none` (messages then stay `requested`, ready to send).
 */
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import type { Repository } from '../store/repository.ts';
import { tenantsWithToken } from '../store/tenants.ts';
import { ERX_SEND } from './codes.ts';
import { ErxSendLoop, type SendLoopOptions } from './send-loop.ts';
import { senderFor } from './sender.ts';

/** The tenants holding erx-send Tasks (read from the token index, so only current versions count). */
export function erxTenants(db: Database): Promise<string[]> {
  return tenantsWithToken(db, { resourceType: 'Task', param: 'code', system: ERX_SEND.system, code: ERX_SEND.code });
}

export function startErxSending(
  config: Config,
  deps: { db: Database; repoFor: (tenant: string) => Promise<Repository>; log?: (line: string) => void },
  opts: SendLoopOptions = {},
): ErxSendLoop | undefined {
  const sender = senderFor(config.erxSender, config.dataDir);
  if (!config.jobs || !sender) return undefined;
  const loop = new ErxSendLoop({ repoFor: deps.repoFor, tenants: () => erxTenants(deps.db), sender, ...(deps.log ? { log: deps.log } : {}) }, opts);
  loop.start();
  return loop;
}
