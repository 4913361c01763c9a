/**
 * LISTEN on PostgreSQL: one dedicated connection per subscription (a pooled one would be handed
 * to other queries). When the connection drops it is re-opened with a growing delay, and
 * `onReset` tells the subscriber that notifications sent meanwhile were lost.
 */
import pg from 'pg';

const MAX_DELAY_MS = 5_000;

export async function listenPostgres(
  url: string,
  channel: string,
  onMessage: (payload: string) => void,
  onReset?: () => void,
): Promise<() => Promise<void>> {
  let stopped = false;
  let client: pg.Client | undefined;
  let timer: NodeJS.Timeout | undefined;
  let delay = 100;

  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url });
    c.on('notification', (n) => {
      if (n.channel === channel) onMessage(n.payload ?? '');
    });
    // An error is followed by 'end'; reconnecting there handles both.
    c.on('error', () => undefined);
    c.on('end', () => {
      if (stopped || client !== c) return;
      client = undefined;
      schedule();
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch (err) {
      await c.end().catch(() => undefined);
      throw err;
    }
    if (stopped) await c.end().catch(() => undefined);
    else client = c;
  };

  const schedule = (): void => {
    timer = setTimeout(() => {
      timer = undefined;
      connect().then(
        () => {
          delay = 100;
          onReset?.();
        },
        () => {
          delay = Math.min(delay * 2, MAX_DELAY_MS);
          if (!stopped) schedule();
        },
      );
    }, delay);
    timer.unref();
  };

  await connect();
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    const c = client;
    client = undefined;
    await c?.end().catch(() => undefined);
  };
}
