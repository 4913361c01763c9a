/**
 * Keeps a library's AsyncLocalStorage switched off while none of its requests is in flight.
 *
 * oidc-provider keeps each request's context in an AsyncLocalStorage (its lib/helpers/als.js,
 * `als.run(ctx, ...)` around every request). On Node 20 the first `run()` of any
 * AsyncLocalStorage turns on promise hooks for the whole process, and they stay on until every
 * instance is disabled. So after the first sign-in, every promise of every request paid for
 * them, FHIR reads included: about 85 ns more per awaited promise on this machine (60 without,
 * 145 with), some 7 µs of the 140 µs of server CPU an authenticated read takes (CPU profile,
 * docs/security.md "Measured cost").
 *
 * `enter()` before each of the library's requests and `leave()` after it. When the last one in
 * flight has left, the storage is disabled on the next turn of the event loop (if no request has
 * entered meanwhile); the library's next `run()` enables it again. A request in flight always
 * keeps its context: `disable()` would drop every context of the instance, so it only ever runs
 * with none in flight.
 */
import type { AsyncLocalStorage } from 'node:async_hooks';

export class IdleStorageSwitch {
  private inFlight = 0;
  private pending = false;

  constructor(private readonly storage: AsyncLocalStorage<unknown>) {}

  enter(): void {
    this.inFlight += 1;
  }

  leave(): void {
    this.inFlight -= 1;
    if (this.inFlight > 0 || this.pending) return;
    this.pending = true;
    setImmediate(() => {
      this.pending = false;
      if (this.inFlight === 0) this.storage.disable();
    });
  }
}
