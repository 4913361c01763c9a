/**
 * What the server-rendered /auth forms share: HMAC tokens under the cookie key that bind a form
 * to the page that served it (CSRF) or prove an earlier step was passed, and the reply that sends
 * a page with its security headers (no caching, no framing, nothing loaded from elsewhere).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyReply } from 'fastify';

export class FormSigner {
  constructor(private readonly key: string) {}

  /** A token binding `what` to this server's key. */
  sign(what: string): string {
    return createHmac('sha256', this.key).update(what).digest('base64url');
  }

  /** Whether `token` is the token of `what` (in constant time). */
  verify(what: string, token: unknown): boolean {
    if (typeof token !== 'string') return false;
    const a = Buffer.from(this.sign(what));
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}

export function sendPage(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self' http: https:; frame-ancestors 'none'")
    .send(body);
}

/** The value of one cookie of the request, or undefined. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
