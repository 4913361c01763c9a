/**
 * What happens to a patient who never said anything about exchange: `CONTINUUM_EXCHANGE_CONSENT`
 * = `opt-in` (the default: nothing is disclosed until the patient permits it) or `opt-out`
 * (disclosed until the patient refuses). A bad value throws, naming the variable: the server's
 * start-up checks it (config.ts), so a typo stops the start instead of deciding every request.
 */
export type ConsentDefault = 'opt-in' | 'opt-out';

export function parseConsentDefault(env: NodeJS.ProcessEnv): ConsentDefault {
  const raw = env.CONTINUUM_EXCHANGE_CONSENT?.trim();
  if (raw === undefined || raw === '') return 'opt-in';
  if (raw !== 'opt-in' && raw !== 'opt-out') throw new Error(`CONTINUUM_EXCHANGE_CONSENT must be opt-in or opt-out, got '${raw}'`);
  return raw;
}
