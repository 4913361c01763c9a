/**
 * The patient's current encounter (the newest in progress), and starting and ending one, through
 * the FHIR API with the user's token. The serving organization of a new encounter is the
 * practitioner's (their PractitionerRole's), else the patient's managing organization.
 */
import { useCallback, useEffect, useState } from 'react';
import type { Encounter, Organization, Practitioner, Reference } from '@medplum/fhirtypes';
import { FhirError, type FhirClient } from '../../fhir/client.ts';
import { useFhir } from '../../fhir/use-fhir.ts';
import { finishedEncounter, inProgressCriteria, startedEncounter } from './encounter.ts';

export interface CurrentEncounter {
  encounter: Encounter | undefined;
  loading: boolean;
  error: Error | undefined;
  start: (typeCode: string, reason: string, practitioner: Reference<Practitioner>) => Promise<Encounter>;
  end: () => Promise<void>;
}

async function serviceProvider(client: FhirClient, patientId: string, practitioner: Reference<Practitioner>): Promise<Reference<Organization> | undefined> {
  const id = practitioner.reference?.split('/')[1];
  if (id) {
    const roles = await client.searchResources('PractitionerRole', { practitioner: id, _count: '5' }).catch(() => []);
    const org = roles.find((r) => r.organization?.reference)?.organization;
    if (org) return org;
  }
  const patient = await client.read('Patient', patientId);
  return patient.managingOrganization;
}

export function useCurrentEncounter(patientId: string): CurrentEncounter {
  const client = useFhir();
  const [encounter, setEncounter] = useState<Encounter>();
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Error>();

  useEffect(() => {
    const ac = new AbortController();
    setLoading(true);
    client.searchResources('Encounter', inProgressCriteria(patientId), ac.signal).then(
      (found) => {
        if (ac.signal.aborted) return;
        setEncounter(found[0]);
        setLoading(false);
      },
      (err: unknown) => {
        if (ac.signal.aborted) return;
        const denied = err instanceof FhirError && err.status === 403;
        setError(denied ? new Error('Encounters are not available to your role.') : err instanceof Error ? err : new Error(String(err)));
        setLoading(false);
      },
    );
    return () => ac.abort();
  }, [client, patientId]);

  const start = useCallback(
    async (typeCode: string, reason: string, practitioner: Reference<Practitioner>) => {
      const org = await serviceProvider(client, patientId, practitioner);
      const created = await client.create(startedEncounter({ patientId, typeCode, reason, practitioner, serviceProvider: org, now: new Date() }));
      setEncounter(created);
      return created;
    },
    [client, patientId],
  );

  const end = useCallback(async () => {
    if (!encounter) return;
    await client.update(finishedEncounter(encounter, new Date()));
    setEncounter(undefined);
  }, [client, encounter]);

  return { encounter, loading, error, start, end };
}
