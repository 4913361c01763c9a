/**
 * Serves the built web app (`packages/web/dist`) at `/`: its hashed assets with long caching
 * (its icon, whose name does not change, for a day), `index.html` (the clinician app) for `/`
 * and its page paths (`/patients/<id>/summary`, `/callback`), and `portal.html` (the patient
 * portal) for `/portal` and every path below it that no server route answers (`/portal/activate`
 * is the server's), so deep links and reloads work. Every other path, the server's own routes
 * (/fhir, /oauth, /auth, /healthz) included, keeps its answer, 404s too. The app's pages get a
 * strict Content-Security-Policy: only this origin's scripts, no inline script, no remote
 * origins; style elements only with the page's nonce (the component library writes its CSS
 * variables and media queries into `<style>` elements, and reads the nonce from
 * `<meta property="csp-nonce">`). Without a build, nothing is served.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Where `npm start` builds the app (see packages/web/scripts/ensure-build.mjs). */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

/** The policy of an app page whose `<style>` elements carry `nonce`. */
export const appCsp = (nonce: string): string => [
  "default-src 'self'",
  "script-src 'self'",
  `style-src 'self' 'nonce-${nonce}'`,
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The placeholder index.html carries where the per-page nonce goes. */
const NONCE_PLACEHOLDER = '__CSP_NONCE__';
/** Where the automatic logoff's idle time (seconds) goes, so the app can warn before it. */
const IDLE_PLACEHOLDER = '__IDLE_SECONDS__';

/**
 * The app's own page paths (its router's top-level routes): only these get index.html, so any
 * other path stays the server's 404 (and a mistyped URL is not answered with a page). A new
 * top-level route of the app is added here too.
 */
export const APP_PATHS = /^\/(callback|patients|inbox|tasks|orders|results|intake|referrals|admin|audit)(\/[^.]*)?$/;
/** The patient portal's page paths: `/portal` and below (server routes there are matched first). */
export const PORTAL_PATHS = /^\/portal(\/[^.]*)?$/;

/** The two pages, each a template filled per request. */
const PAGES = ['index.html', 'portal.html'];

/** Registers the app when `root` holds a build; returns the SPA fallback for the not-found handler. */
export function registerWebApp(app: FastifyInstance, root: string, opts: { idleSeconds: number }): ((req: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined) | undefined {
  if (!existsSync(join(root, 'index.html'))) return undefined;
  // Loaded with the other plugins before the server listens; `sendFile` is ready by then.
  void app.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: false,
    index: false,
    // The pages are templates: served only by `page`, with their nonce.
    allowedPath: (path) => !/(^|\/)(index|portal)\.html$/.test(path),
    // Vite names what is under assets/ by content hash: it never changes under one name. The
    // files copied from public/ (the icon) keep their names, so they are cached for a day.
    cacheControl: false,
    setHeaders: (res, path) => {
      const hashed = relative(root, path).split(sep)[0] === 'assets';
      res.setHeader('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'public, max-age=86400');
    },
  });
  // Read once: a new build is served after a restart (npm start rebuilds before starting).
  const templates = new Map(
    PAGES.filter((name) => existsSync(join(root, name))).map((name) => [name, readFileSync(join(root, name), 'utf8').replaceAll(IDLE_PLACEHOLDER, String(Math.round(opts.idleSeconds)))]),
  );
  const page = (name: string, reply: FastifyReply): FastifyReply | undefined => {
    const template = templates.get(name);
    if (template === undefined) return undefined;
    const nonce = randomBytes(16).toString('base64');
    return reply
      .header('content-security-policy', appCsp(nonce))
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(template.replaceAll(NONCE_PLACEHOLDER, nonce));
  };
  app.get('/', (_req, reply) => page('index.html', reply));
  return (req, reply) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return undefined;
    const path = req.url.split('?')[0] ?? '/';
    if (PORTAL_PATHS.test(path)) return page('portal.html', reply);
    return APP_PATHS.test(path) ? page('index.html', reply) : undefined;
  };
}
