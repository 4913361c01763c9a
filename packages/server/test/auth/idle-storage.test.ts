/**
 * IdleStorageSwitch on a real AsyncLocalStorage: a request in flight keeps its context while
 * another one ends; the storage is off once the last one has left (and stays on when a new request
 * entered before the deferred switch-off); a new run() works again. And oidc-provider still keeps
 * its request context in the AsyncLocalStorage that routes.ts switches.
 */
import assert from 'node:assert/strict';
import { AsyncLocalStorage } from 'node:async_hooks';
import { describe, it } from 'node:test';
import oidcProviderStorage from 'oidc-provider/lib/helpers/als.js';
import { IdleStorageSwitch } from '../../src/auth/idle-storage.ts';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('IdleStorageSwitch', () => {
  it('keeps the context of a request in flight, and switches the storage off after the last', async () => {
    const storage = new AsyncLocalStorage<string>();
    const idle = new IdleStorageSwitch(storage as AsyncLocalStorage<unknown>);
    let releaseB!: () => void;
    const bMayEnd = new Promise<void>((resolve) => (releaseB = resolve));
    const seenByB: (string | undefined)[] = [];

    idle.enter();
    const a = storage.run('a', async () => {
      await turn();
      assert.equal(storage.getStore(), 'a');
    });
    idle.enter();
    const b = storage.run('b', async () => {
      seenByB.push(storage.getStore());
      await bMayEnd;
      seenByB.push(storage.getStore());
    });
    await a;
    idle.leave();
    await turn();
    await turn();
    releaseB();
    await b;
    assert.deepEqual(seenByB, ['b', 'b'], 'a request still in flight keeps its context when another one leaves');

    let later: string | undefined = 'unset';
    const c = storage.run('c', async () => {
      idle.leave(); // b leaves while this continuation is pending: the storage goes off after this turn
      await turn();
      await turn();
      later = storage.getStore();
    });
    await c;
    assert.equal(later, undefined, 'off once no request is in flight');
    assert.equal(storage.run('d', () => storage.getStore()), 'd', 'the next run() turns it on again');
  });

  it('stays on when a request enters before the deferred switch-off', async () => {
    const storage = new AsyncLocalStorage<string>();
    const idle = new IdleStorageSwitch(storage as AsyncLocalStorage<unknown>);
    idle.enter();
    idle.leave();
    idle.enter(); // before the next turn
    const seen = await storage.run('e', async () => {
      await turn();
      await turn();
      return storage.getStore();
    });
    assert.equal(seen, 'e');
    idle.leave();
  });

  it("is oidc-provider's request context storage", () => {
    assert.ok(oidcProviderStorage instanceof AsyncLocalStorage);
  });
});
