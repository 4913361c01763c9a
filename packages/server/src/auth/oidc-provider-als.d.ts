// oidc-provider's request context storage (lib/helpers/als.js, oidc-provider 9.x), imported by
// routes.ts to switch it off between requests (idle-storage.ts). The package ships no types for it.
declare module 'oidc-provider/lib/helpers/als.js' {
  import type { AsyncLocalStorage } from 'node:async_hooks';

  const als: AsyncLocalStorage<unknown>;
  export default als;
}
