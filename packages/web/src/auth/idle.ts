/**
 * The warning before automatic logoff. The server ends a user's session and tokens after
 * CONTINUUM_IDLE_MINUTES without a request (it puts the figure in the page); the app counts from
 * the last request it made with the user's token, warns a minute before (a quarter of the idle
 * time when that is shorter), and signs out at the end rather than leave a chart on screen.
 */

export interface IdlePlan {
  /** Seconds after the last request when the warning shows. */
  warnAfter: number;
  /** Seconds after the last request when the app signs out (the server's idle time). */
  logoutAfter: number;
}

/** The plan for the server's idle time; undefined when the page carries none (no warning). */
export function idlePlan(idleSeconds: number | undefined): IdlePlan | undefined {
  if (idleSeconds === undefined || !Number.isFinite(idleSeconds) || idleSeconds <= 0) return undefined;
  const lead = Math.min(60, idleSeconds / 4);
  return { warnAfter: idleSeconds - lead, logoutAfter: idleSeconds };
}

/** What to show `now` (ms) given the last request at `last` (ms): nothing, a countdown, or the end. */
export function idleState(plan: IdlePlan, last: number, now: number): { kind: 'active' } | { kind: 'warning'; secondsLeft: number } | { kind: 'expired' } {
  const idle = (now - last) / 1000;
  if (idle >= plan.logoutAfter) return { kind: 'expired' };
  if (idle >= plan.warnAfter) return { kind: 'warning', secondsLeft: Math.ceil(plan.logoutAfter - idle) };
  return { kind: 'active' };
}
