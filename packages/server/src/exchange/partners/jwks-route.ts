/**
 * `GET /exchange/jwks.json`: this deployment's public exchange keys, unauthenticated (partners
 * fetch them to check its client assertions and signatures). Also fills in the exchange origin
 * once the server listens, when CONTINUUM_BASE_URL does not name it.
 */
import type { FastifyInstance } from 'fastify';
import type { ExchangeHttpDeps } from '../register.ts';

export const JWKS_PATH = '/exchange/jwks.json';

export function registerPartners(app: FastifyInstance, deps: ExchangeHttpDeps): void {
  app.get(JWKS_PATH, async (_req, reply) =>
    reply.code(200).header('content-type', 'application/json').header('cache-control', 'public, max-age=300').send(JSON.stringify(deps.exchange.keys.jwks())),
  );
  if (!deps.config.baseUrl) {
    app.addHook('onListen', async () => {
      const address = app.server.address();
      if (address === null || typeof address === 'string') return;
      const host = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
      deps.exchange.origin = `${deps.config.tls ? 'https' : 'http'}://${host}:${address.port}`;
    });
  }
}
