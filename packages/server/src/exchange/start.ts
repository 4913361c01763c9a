/**
 * Cross-organization exchange's background work (Subscription deliveries and their retries),
 * started on nodes that run jobs. Each part adds its loop here.
 */
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import type { Repository } from '../store/repository.ts';
import { DeliveryLoop } from './subscriptions/delivery-loop.ts';
import type { ExchangeServices } from './types.ts';

export interface ExchangeLoopDeps {
  db: Database;
  repoFor(tenant: string): Promise<Repository>;
  exchange: ExchangeServices;
  log?: (line: string) => void;
}

export interface ExchangeLoops {
  close(): Promise<void>;
}

export function startExchange(_config: Config, deps: ExchangeLoopDeps): ExchangeLoops {
  // Subscription notifications: several nodes may run this loop (claims skip each other's rows).
  const deliveries = new DeliveryLoop({ db: deps.db, repoFor: (tenant) => deps.repoFor(tenant), exchange: deps.exchange, ...(deps.log ? { log: deps.log } : {}) });
  deliveries.start();
  return {
    close: async () => {
      await deliveries.close();
    },
  };
}
