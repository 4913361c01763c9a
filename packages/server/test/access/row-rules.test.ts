/**
 * Access suite, the row rules a search runs under (access/row-rules.ts), held in step with
 * `visible`: for every principal and resource of a matrix (patients, a proxy of several
 * patients, staff of each role with and without rights, a patient-context launch, break-the-glass
 * active and expired, v2 scope filters), a resource passes the row rules exactly when `visible`
 * lets the caller search or read it. The rules are evaluated here in plain code the way the SQL
 * of search/row-limit.ts evaluates them on rows.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { visible, type Principal, type ResourceAccessInfo } from '../../src/access/policy.ts';
import { labelRules, rowRules, type LabelRules, type RowRules } from '../../src/access/row-rules.ts';
import { parseScopes } from '../../src/access/scopes.ts';
import { ACT_CODE_SYSTEM, CONFIDENTIALITY_SYSTEM, restrictedLabels } from '../../src/access/sensitivity.ts';

const NOW = new Date('2031-03-01T12:00:00Z');
const CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';

function principal(kind: Principal['kind'], scope: string, extra: Partial<Principal> = {}): Principal {
  const parsed = parseScopes(scope);
  assert.deepEqual(parsed.invalid, [], `scope ${scope}`);
  return { kind, tenant: 't1', clientId: 'app', roles: [], scopes: parsed.rules, securityRights: [], breakGlass: [], ...extra };
}

interface Sample {
  name: string;
  type: string;
  inCompartmentType: boolean;
  compartments: string[];
  labels: { system?: string; code: string }[];
  tokens: Record<string, string[]>;
}

const sample = (name: string, type: string, compartments: string[], labels: Sample['labels'] = [], tokens: Record<string, string[]> = {}, inCompartmentType = true): Sample =>
  ({ name, type, inCompartmentType, compartments, labels, tokens });

const lab = { category: ['laboratory', `${CATEGORY}|laboratory`] };
const vital = { category: ['vital-signs', `${CATEGORY}|vital-signs`] };
const SAMPLES: Sample[] = [
  sample('p1 lab', 'Observation', ['p1'], [], lab),
  sample('p1 vital', 'Observation', ['p1'], [], vital),
  sample('p2 vital', 'Observation', ['p2'], [], vital),
  sample('p2 vital, performer p1', 'Observation', ['p2', 'p1'], [], vital),
  sample('in no compartment', 'Observation', [], [], vital),
  sample('p1 PSY diagnosis', 'Condition', ['p1'], [{ system: ACT_CODE_SYSTEM, code: 'PSY' }]),
  sample('p1 psychotherapy note', 'Condition', ['p1'], [{ system: ACT_CODE_SYSTEM, code: 'PSYTHPN' }]),
  sample('p2 SUD diagnosis, no system', 'Condition', ['p2'], [{ code: 'SUD' }]),
  sample('p2 R patient', 'Patient', ['p2'], [{ system: CONFIDENTIALITY_SYSTEM, code: 'R' }]),
  sample('p1 patient, N label', 'Patient', ['p1'], [{ system: CONFIDENTIALITY_SYSTEM, code: 'N' }]),
  sample('p3 clinical note', 'DocumentReference', ['p3']),
  sample('practitioner', 'Practitioner', [], [], {}, false),
  sample('restricted organization', 'Organization', [], [{ system: CONFIDENTIALITY_SYSTEM, code: 'R' }], {}, false),
  sample('p1 claim', 'Claim', ['p1']),
];

const PRINCIPALS: Record<string, Principal> = {
  patient: principal('patient', 'patient/*.cruds', { patient: 'p1', patients: ['p1'] }),
  'patient, vitals only': principal('patient', 'patient/Observation.rs?category=vital-signs patient/Patient.rs', { patient: 'p1', patients: ['p1'] }),
  'proxy of p1 and p2': principal('proxy', 'user/*.cruds', { patients: ['p1', 'p2'] }),
  'proxy without patients': principal('proxy', 'patient/*.rs'),
  physician: principal('staff', 'user/*.cruds', { roles: ['physician'] }),
  'physician with SPI and R': principal('staff', 'user/*.cruds', { roles: ['physician'], securityRights: ['SPI', 'R'] }),
  'physician, glass broken for p1': principal('staff', 'user/*.cruds', { roles: ['physician'], breakGlass: [{ patient: 'p1', until: new Date(NOW.getTime() + 60_000) }] }),
  'physician, glass expired': principal('staff', 'user/*.cruds', { roles: ['physician'], breakGlass: [{ patient: 'p2', until: new Date(NOW.getTime() - 60_000) }] }),
  'physician, lab filter': principal('staff', 'user/Observation.rs?category=laboratory user/Patient.rs', { roles: ['physician'] }),
  'physician, two filters': principal('staff', `user/Observation.rs?category=${CATEGORY}|laboratory user/Observation.rs?category=vital-signs`, { roles: ['physician'] }),
  'physician, unknown filter': principal('staff', 'user/Observation.rs?flavour=mint', { roles: ['physician'] }),
  'physician in a patient launch': principal('staff', 'patient/*.rs user/Patient.rs', { roles: ['physician'], patient: 'p2' }),
  'front desk': principal('staff', 'user/*.cruds', { roles: ['front-desk'] }),
  biller: principal('staff', 'user/*.cruds', { roles: ['biller'] }),
  'system, read only': principal('system', 'system/*.rs'),
};

/** A filter value against tokens, with FHIR token semantics (as the SQL does it). */
function tokenMatches(value: string, tokens: readonly string[]): boolean {
  return value.split(',').some((alt) => {
    const bar = alt.indexOf('|');
    if (bar < 0) return tokens.some((t) => t === alt || t.endsWith(`|${alt}`));
    return tokens.includes(alt);
  });
}

/** The row rules on one stored row: what the SQL of search/row-limit.ts computes. */
function passes(rules: RowRules, labels: LabelRules, s: Sample): boolean {
  if (!rules.readable) return false;
  const inAny = (ids: readonly string[]) => s.compartments.some((c) => ids.includes(c));
  if (rules.compartments && !inAny(rules.compartments)) return false;
  if (rules.alternatives) {
    const holds = rules.alternatives.some(
      (alt) => (!alt.compartments || inAny(alt.compartments)) && alt.filter.every(([param, value]) => param === 'category' && tokenMatches(value, s.tokens[param] ?? [])),
    );
    if (!holds) return false;
  }
  const carries = (ls: readonly { system: string; code: string }[]) =>
    s.labels.some((l) => ls.some((x) => x.code === l.code && (l.system === undefined || l.system === x.system)));
  if (carries(labels.hidden)) return false;
  if (labels.hiddenOutside && carries(labels.hiddenOutside.labels) && !inAny(labels.hiddenOutside.compartments)) return false;
  return true;
}

function info(s: Sample): ResourceAccessInfo {
  return { compartments: s.compartments, inCompartmentType: s.inCompartmentType, tokens: (param) => s.tokens[param] ?? [] };
}

describe('row rules', () => {
  it('let through exactly what visible lets the caller search or read', () => {
    const wrong: string[] = [];
    for (const [who, p] of Object.entries(PRINCIPALS)) {
      const labels = labelRules(p, NOW);
      for (const s of SAMPLES) {
        const resource = { resourceType: s.type, ...(s.labels.length > 0 ? { meta: { security: s.labels } } : {}) };
        const expected = visible(p, resource, info(s), 'search', NOW) || visible(p, resource, info(s), 'read', NOW);
        const got = passes(rowRules(p, s.type, s.inCompartmentType), labels, s);
        if (got !== expected) wrong.push(`${who} / ${s.name}: rows ${String(got)}, visible ${String(expected)}`);
      }
    }
    assert.deepEqual(wrong, [], 'row rules and visible disagree');
  });

  it('state a proxy’s compartments, a type the role may not read, and unconditional grants plainly', () => {
    assert.deepEqual(rowRules(PRINCIPALS['proxy of p1 and p2']!, 'Observation', true), { readable: true, compartments: ['p1', 'p2'] }, 'a proxy: the union of compartments, nothing else');
    assert.deepEqual(rowRules(PRINCIPALS['proxy of p1 and p2']!, 'Practitioner', false), { readable: true }, 'a shared type: no compartment condition');
    assert.deepEqual(rowRules(PRINCIPALS['front desk']!, 'Condition', true), { readable: false }, 'front desk reads no diagnoses');
    assert.deepEqual(rowRules(PRINCIPALS.physician!, 'Condition', true), { readable: true }, 'a physician: no row condition');
    assert.deepEqual(rowRules(PRINCIPALS['proxy without patients']!, 'Observation', true).compartments, [], 'no patients: no compartment at all');
  });

  it('hide every restricted label from a caller with no rights, and open own record and broken glass except psychotherapy notes', () => {
    assert.equal(labelRules(PRINCIPALS.physician!, NOW).hidden.length, restrictedLabels().length, 'all hidden');
    assert.equal(labelRules(PRINCIPALS.physician!, NOW).hiddenOutside, undefined, 'nowhere open');
    const glass = labelRules(PRINCIPALS['physician, glass broken for p1']!, NOW);
    assert.deepEqual(glass.hidden.map((l) => l.code), ['PSYTHPN'], 'psychotherapy notes stay hidden');
    assert.deepEqual(glass.hiddenOutside?.compartments, ['p1'], 'open in p1 only');
    assert.equal(labelRules(PRINCIPALS['physician, glass expired']!, NOW).hiddenOutside, undefined, 'an expired grant opens nothing');
    const rights = labelRules(PRINCIPALS['physician with SPI and R']!, NOW).hidden.map((l) => l.code);
    assert.ok(!rights.includes('PSY') && !rights.includes('SUD') && !rights.includes('R'), 'SPI covers PSY and SUD; R is held');
    assert.ok(rights.includes('PSYTHPN') && rights.includes('V') && rights.includes('HIV'), 'but not psychotherapy notes, V or HIV');
  });
});
