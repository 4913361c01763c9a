/**
 * The signed-in user as the reference list entries record them by (recorder, asserter,
 * information source, Provenance author): their FHIR user with their name as display, once read.
 */
import type { Practitioner } from '@medplum/fhirtypes';
import { useMe } from '../../auth/me.ts';
import { humanName } from '../../fhir/format.ts';
import { useLoad } from '../../fhir/use-fhir.ts';
import type { Me } from './coding.ts';

export function useRecorder(): Me | undefined {
  const me = useMe();
  const { data } = useLoad(async (client, signal) => {
    if (!me?.startsWith('Practitioner/')) return undefined;
    const p: Practitioner = await client.read('Practitioner', me.slice('Practitioner/'.length), signal);
    return humanName(p.name);
  }, [me]);
  if (!me) return undefined;
  return data ? { reference: me, display: data } : { reference: me };
}
