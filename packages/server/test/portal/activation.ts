/**
 * The invitee's side of a portal invitation in tests: find the activation link in the mailed
 * text, then open the activation page in a fresh scripted browser and send its form (CSRF token
 * and cookie included), as a person following the link would.
 */
import assert from 'node:assert/strict';
import { CookieJar, step } from '../auth/oauth-client.ts';

/** The one-time activation link in a mail's text. */
export function linkIn(text: string): string {
  const m = /^(http\S+\/portal\/activate\?token=[A-Za-z0-9_-]{43})$/m.exec(text);
  assert.ok(m, `an activation link in: ${text}`);
  return m[1]!;
}

/** Opens the activation page in a fresh browser and sends the form. */
export async function activate(link: string, form: { username?: string; password: string; confirm?: string }): Promise<{ page: Response; html: string; res?: Response; text?: string }> {
  const jar = new CookieJar();
  const page = await step(jar, link);
  const html = await page.text();
  if (page.status !== 200) return { page, html };
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)![1]!;
  const token = new URL(link).searchParams.get('token')!;
  const defaultName = /id="username" name="username"[^>]* value="([^"]*)"/.exec(html)![1]!;
  const res = await step(jar, link.replace(/\?.*$/, ''), { csrf, token, username: form.username ?? defaultName, password: form.password, confirm: form.confirm ?? form.password });
  return { page, html, res, text: await res.text() };
}
