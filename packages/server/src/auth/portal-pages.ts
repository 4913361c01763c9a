/**
 * The patient portal's pages of the sign-in flow (page() with the portal look): its login page,
 * in patient wording, with "Forgot password?" and how to activate an account; and the page a
 * staff account meets there, which sends it to the staff app instead of signing it in.
 */
import { escapeHtml, page } from './html.ts';

export interface PortalLoginForm {
  /** Where the form posts, and where Cancel posts. */
  loginAction: string;
  abortAction: string;
  csrf: string;
  /** The error shown above the form (already a sentence). */
  error?: string;
  username?: string;
  /** The "Forgot your password?" link (empty when reset by mail is not offered). */
  forgotLink: string;
}

export function portalLoginPage(f: PortalLoginForm): string {
  const err = f.error ? `<div class="error" role="alert">${escapeHtml(f.error)}</div>` : '';
  return page(
    'Sign in to MyHealth',
    `<h1>Welcome to MyHealth</h1><p class="sub">Sign in to see your health record, visits, messages and bills.</p>${err}
<form method="post" action="${f.loginAction}" autocomplete="on">
<input type="hidden" name="csrf" value="${f.csrf}">
<label for="username">User name</label><input type="text" id="username" name="username" autocomplete="username" required value="${escapeHtml(f.username ?? '')}" ${f.username ? '' : 'autofocus'}>
<label for="password">Password</label><input type="password" id="password" name="password" autocomplete="current-password" required ${f.username ? 'autofocus' : ''}>
<label for="otp">Code from your authenticator app <span style="font-weight:400">(only if you turned on two-step sign-in)</span></label><input type="text" id="otp" name="otp" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9A-Za-z-]*">
<button type="submit">Sign in</button></form>
<form method="post" action="${f.abortAction}"><input type="hidden" name="csrf" value="${f.csrf}"><button class="secondary" type="submit">Cancel</button></form>${f.forgotLink}
<div class="help" id="activate-help"><b>Activate your account</b><br>New to MyHealth? Your clinic emails you an invitation: open its link to choose your user name and password. No email? Ask the front desk to invite you.</div>`,
    { portal: true },
  );
}

/** A staff account at the portal's sign-in: refused, with the way to the staff app. */
export function staffRefusedPage(origin: string): string {
  return page(
    'Use the staff app',
    `<h1>This is the patient portal</h1><p class="sub">Staff accounts cannot sign in to MyHealth. Sign in to the clinician app instead.</p><p><a href="${escapeHtml(origin)}/">Open the clinician app</a></p>`,
    { portal: true },
  );
}
