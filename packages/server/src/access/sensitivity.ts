/**
 * Sensitivity labels: which `meta.security` codes restrict a resource, and whether a set of
 * rights covers a code. Restricted are the confidentiality codes `R` and `V`
 * (v3-Confidentiality) and the ActCode information-sensitivity codes: the whole
 * `_ActInformationSensitivityPolicy` branch (substance use, mental and behavioural health,
 * psychotherapy notes, HIV, STD, sexual and reproductive health, genetic disease, violence, ...)
 * plus the labels privacy offices use against snooping (`CEL` celebrity, `EMP` employee, `ADOL`
 * adolescent, `PHY` physician-requested, `PRS` patient-requested). `N`, `M`, `L` and `U` restrict
 * nothing. A label without a system is read as whichever system knows its code, so that a
 * half-written label still fails closed. Who may see what is decided in `policy.ts`.
 */

export const CONFIDENTIALITY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality';
export const ACT_CODE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';

/** Psychotherapy notes: HIPAA keeps them even from the patient's own right of access. */
export const PSYCHOTHERAPY_NOTE = 'PSYTHPN';

const RESTRICTED_CONFIDENTIALITY: ReadonlySet<string> = new Set(['R', 'V']);

/**
 * Each ActCode sensitivity code with its parent in the ActCode hierarchy, so that a right to a
 * broader label covers the narrower ones (`SUD` covers `OPIOIDUD`). `PSYTHPN` is deliberately
 * given no parent: a right to `SPI` or `BH` must not open psychotherapy notes.
 */
const ACT_SENSITIVITY_PARENT: ReadonlyMap<string, string | undefined> = new Map([
  ['ETH', undefined],
  ['GDIS', undefined],
  ['HIV', undefined],
  ['MST', undefined],
  ['SCA', undefined],
  ['SDV', undefined],
  ['SEX', undefined],
  ['SPI', undefined],
  ['BH', 'SPI'],
  ['COGN', 'BH'],
  ['DVD', 'BH'],
  ['EMOTDIS', 'BH'],
  ['MH', 'SPI'],
  ['PSY', 'SPI'],
  [PSYCHOTHERAPY_NOTE, undefined],
  ['SUD', 'SPI'],
  ['ETHUD', 'SUD'],
  ['OPIOIDUD', 'SUD'],
  ['STD', undefined],
  ['TBOO', undefined],
  ['VIO', undefined],
  ['SICKLE', undefined],
  ['ADOL', undefined],
  ['CEL', undefined],
  ['EMP', undefined],
  ['PHY', undefined],
  ['PRS', undefined],
]);

export interface LabelledResource {
  resourceType?: string;
  meta?: { security?: { system?: string; code?: string }[] };
}

/** The restricted codes in a resource's `meta.security`, each once, in the order they appear. */
export function restrictedCodes(resource: LabelledResource): string[] {
  const codes = new Set<string>();
  for (const { system, code } of resource.meta?.security ?? []) {
    if (code === undefined) continue;
    const confidentiality = (system === undefined || system === CONFIDENTIALITY_SYSTEM) && RESTRICTED_CONFIDENTIALITY.has(code);
    const sensitivity = (system === undefined || system === ACT_CODE_SYSTEM) && ACT_SENSITIVITY_PARENT.has(code);
    if (confidentiality || sensitivity) codes.add(code);
  }
  return [...codes];
}

/** Every restricted label, with the system that defines it (a label without a system matches too). */
export function restrictedLabels(): { system: string; code: string }[] {
  return [
    ...[...RESTRICTED_CONFIDENTIALITY].map((code) => ({ system: CONFIDENTIALITY_SYSTEM, code })),
    ...[...ACT_SENSITIVITY_PARENT.keys()].map((code) => ({ system: ACT_CODE_SYSTEM, code })),
  ];
}

/** The codes a user's security rights may name: every restricted label's code. */
export function rightCodes(): string[] {
  return [...RESTRICTED_CONFIDENTIALITY, ...ACT_SENSITIVITY_PARENT.keys()];
}

/** Whether `rights` let their holder see resources labelled `code`: the code itself or a broader one. */
export function rightsCover(rights: readonly string[], code: string): boolean {
  if (code === 'R') return rights.includes('R') || rights.includes('V');
  for (let c: string | undefined = code; c !== undefined; c = ACT_SENSITIVITY_PARENT.get(c)) {
    if (rights.includes(c)) return true;
  }
  return false;
}
