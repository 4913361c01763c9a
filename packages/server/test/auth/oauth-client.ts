/**
 * A faithful scripted SMART client for tests: it follows the authorization server's redirects
 * with a cookie jar the way a browser does, fills the login and consent forms it is shown
 * (parsing the HTML, never calling private routes), and exchanges the code with PKCE S256.
 */
import { createHash, randomBytes } from 'node:crypto';

export class CookieJar {
  private readonly cookies = new Map<string, string>();

  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export interface AuthorizeParams {
  clientId: string;
  redirectUri: string;
  scope: string;
  aud: string;
  launch?: string;
  challenge?: string;
  method?: string;
  state?: string;
}

export function authorizeUrl(origin: string, p: AuthorizeParams): string {
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: p.clientId,
    redirect_uri: p.redirectUri,
    scope: p.scope,
    state: p.state ?? 'state-123',
    aud: p.aud,
  });
  if (p.challenge) q.set('code_challenge', p.challenge);
  if (p.challenge) q.set('code_challenge_method', p.method ?? 'S256');
  if (p.launch) q.set('launch', p.launch);
  return `${origin}/oauth/auth?${q.toString()}`;
}

/** A browser-like step: GET or POST with the jar, no automatic redirects. */
export async function step(jar: CookieJar, url: string, form?: Record<string, string>, fetchImpl: typeof fetch = fetch): Promise<Response> {
  const res = await fetchImpl(url, {
    method: form ? 'POST' : 'GET',
    redirect: 'manual',
    headers: { cookie: jar.header(), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    ...(form ? { body: new URLSearchParams(form).toString() } : {}),
  });
  jar.take(res);
  return res;
}

function hidden(html: string, name: string): string | undefined {
  return new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];
}

function formAction(html: string, suffix: string): string | undefined {
  return new RegExp(`action="([^"]*${suffix})"`).exec(html)?.[1];
}

export interface FlowResult {
  /** The redirect back to the app, with `code` and `state` (or `error`). */
  redirect: URL;
  pages: string[];
}

/**
 * Runs the front channel: authorize, the login page, then the consent page (picking `patient`
 * when a patient picker is shown), until the server redirects to the app.
 */
export async function frontChannel(
  origin: string,
  params: AuthorizeParams,
  user: { username: string; password: string; otp?: string },
  opts: { patient?: string; deny?: boolean; fetch?: typeof fetch } = {},
): Promise<FlowResult> {
  const jar = new CookieJar();
  const pages: string[] = [];
  const go = (url: string, form?: Record<string, string>): Promise<Response> => step(jar, url, form, opts.fetch);
  let res = await go(authorizeUrl(origin, params));
  for (let hops = 0; hops < 12; hops++) {
    if (res.status === 302 || res.status === 303) {
      const to = new URL(res.headers.get('location')!, origin);
      if (to.href.startsWith(params.redirectUri)) return { redirect: to, pages };
      res = await go(to.href);
      continue;
    }
    const html = await res.text();
    pages.push(html);
    if (res.status >= 400 && !html.includes('csrf')) throw new Error(`authorization page ${res.status}: ${html.slice(0, 400)}`);
    const csrf = hidden(html, 'csrf');
    if (!csrf) throw new Error(`no form on page: ${html.slice(0, 400)}`);
    const login = formAction(html, '/login');
    if (login) {
      if (pages.filter((p) => p.includes('/login')).length > 1) throw new Error(`login refused: ${/role="alert">([^<]*)/.exec(html)?.[1] ?? html.slice(0, 300)}`);
      res = await go(new URL(login, origin).href, { csrf, username: user.username, password: user.password, otp: user.otp ?? '' });
      continue;
    }
    if (opts.deny) {
      res = await go(new URL(formAction(html, '/abort')!, origin).href, { csrf });
      continue;
    }
    const confirm = formAction(html, '/confirm');
    if (!confirm) throw new Error(`unexpected page: ${html.slice(0, 400)}`);
    res = await go(new URL(confirm, origin).href, { csrf, ...(opts.patient ? { patient: opts.patient } : {}) });
  }
  throw new Error('too many redirects');
}

export interface TokenResponse {
  status: number;
  headers: Headers;
  json: Record<string, unknown>;
}

export async function tokenRequest(origin: string, form: Record<string, string>, basic?: { id: string; secret: string }, fetchImpl: typeof fetch = fetch): Promise<TokenResponse> {
  const res = await fetchImpl(`${origin}/oauth/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(basic ? { authorization: `Basic ${Buffer.from(`${basic.id}:${basic.secret}`).toString('base64')}` } : {}),
    },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, unknown> };
}
