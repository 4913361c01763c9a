/**
 * The server-rendered pages' HTML: escaping and the page frame shared by the sign-in flow, the
 * account pages, the portal's activation page and the share-link pages. No OAuth library here,
 * so a module that only renders a page (or a FHIR narrative) does not load the authorization server.
 */

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A server-rendered page of the sign-in flow. `portal`: the patient portal's own look (Continuum
 * MyHealth: a warmer palette, larger type) for its login, password-reset and activation pages.
 */
export function page(title: string, body: string, opts: { portal?: boolean } = {}): string {
  const accent = opts.portal ? '#0b7a75' : '#1f4e8c';
  const ground = opts.portal ? '#eef6f4' : '#f4f6f9';
  const product = opts.portal ? 'Continuum MyHealth' : 'Continuum';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" type="image/svg+xml" href="/favicon.svg">
<title>${escapeHtml(title)} · ${product}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:${ground};color:#1d2733;margin:0${opts.portal ? ';font-size:17px' : ''}}
main{max-width:420px;margin:8vh auto;background:#fff;border-radius:${opts.portal ? '16px' : '10px'};box-shadow:0 2px 12px rgba(0,0,0,.08);padding:28px 32px}
h1{font-size:1.35rem;margin:0 0 4px;color:${accent}}
p.sub{margin:0 0 20px;color:#5b6776;font-size:.95rem}
label{display:block;font-weight:600;font-size:.9rem;margin:14px 0 4px}
input[type=text],input[type=password],input[type=email],select{width:100%;box-sizing:border-box;padding:10px;border:1px solid #c5ccd6;border-radius:6px;font-size:1rem}
button{margin-top:20px;width:100%;padding:11px;border:0;border-radius:${opts.portal ? '999px' : '6px'};background:${accent};color:#fff;font-size:1rem;font-weight:600;cursor:pointer}
button.secondary{background:#e6e9ee;color:#1d2733}
a{color:${accent}}
input:focus-visible,select:focus-visible,button:focus-visible,a:focus-visible{outline:3px solid ${accent};outline-offset:2px}
.error{background:#fdecec;color:#8a1c1c;border-radius:6px;padding:10px;margin:10px 0}
.help{background:#f3f8f7;border-radius:8px;padding:10px 12px;margin-top:18px;font-size:.9rem;color:#37474f}
ul.scopes{padding-left:18px;line-height:1.6}
.brand{font-weight:700;letter-spacing:.02em;color:${opts.portal ? accent : '#5b6776'};font-size:.8rem;text-transform:uppercase;margin-bottom:14px}
</style></head><body><main><div class="brand">${product}</div>${body}</main></body></html>`;
}
