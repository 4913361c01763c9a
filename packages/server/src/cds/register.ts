/**
 * Wires decision support into the HTTP app: Continuum's CDS Hooks services (`/cds-services`) and
 * its CDS client (`/cds-client`), over the FHIR API (in-process, as the caller), the audit trail,
 * the issued-card log and the order-check engine. Only registered when authorization is on: every
 * route needs a token, and there is no anonymous mode. The services accept a Continuum access
 * token or a CDS Hooks client JWT (client-jwt-auth.ts); the CDS client only the former.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { JWK } from 'jose';
import type { Principal } from '../access/policy.ts';
import type { Auth } from '../auth/setup.ts';
import type { AppDeps } from '../http/app.ts';
import { runOrderChecks } from '../medications/checks.ts';
import { CardLog } from './card-log.ts';
import { CdsClientAuth, looksLikeJwt } from './client-jwt-auth.ts';
import { registerCdsClient } from './client/client-routes.ts';
import { loadCdsClientKey } from './client/jwt.ts';
import { gatewayFactory } from './fhir-gateway.ts';
import { registerCdsServices } from './service-routes.ts';

export interface CdsDeps extends AppDeps {
  auth: Auth;
  authenticate: (req: FastifyRequest) => Promise<Principal>;
}

export function registerCds(app: FastifyInstance, deps: CdsDeps): void {
  const { config } = deps;
  const origin = (req: FastifyRequest): string => config.baseUrl ?? `${req.protocol}://${req.headers.host ?? `localhost:${config.port}`}`;
  const gateways = gatewayFactory(deps);
  let key: Promise<JWK> | undefined;
  const signingKey = (): Promise<JWK> => {
    key ??= loadCdsClientKey(config.dataDir);
    return key;
  };
  // The services also accept a CDS Hooks client JWT from a registered backend client.
  const jwtAuth = new CdsClientAuth(deps.auth.clients);
  const serviceAuth = async (req: FastifyRequest): Promise<Principal> => {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (m && looksLikeJwt(m[1]!)) {
      const p = await jwtAuth.principal(m[1]!, `${origin(req)}${req.url.split('?')[0]}`, new Date());
      if (p) return p;
    }
    return deps.authenticate(req);
  };
  registerCdsServices(app, { authenticate: serviceAuth, gateways, checks: runOrderChecks, cardLog: new CardLog(deps.db), audit: deps.auth.audit, origin });
  registerCdsClient(app, { authenticate: deps.authenticate, gateways, audit: deps.auth.audit, origin, signingKey });
}
