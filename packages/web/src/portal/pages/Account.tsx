/**
 * The account page: who is signed in and for whom, and links to the server's own account pages
 * (password reset; two-step sign-in is set up at sign-in and stays optional for patients).
 */
import { Anchor, List, Text } from '@mantine/core';
import { Link } from 'react-router-dom';
import { usePortal } from '../portal-context.ts';
import { patientDescription } from '../portal-patients.ts';
import { PageTitle, Section } from '../page-parts.tsx';
import { CaregiverAccess } from '../CaregiverAccess.tsx';

export function Account() {
  const { patients, fhirUser } = usePortal();
  const proxy = fhirUser.startsWith('RelatedPerson/');
  return (
    <>
      <PageTitle title="Account" intro="Your sign-in and who you can see." />
      <div className="card-grid">
        <Section title={proxy ? 'Records you can see' : 'Your record'} id="account-records">
          <List spacing="xs">
            {patients.map((p) => (
              <List.Item key={p.id}>
                {p.name} <Text span className="muted">({patientDescription(p.relationship)})</Text>
              </List.Item>
            ))}
          </List>
          {proxy && <Text size="sm" className="muted" mt="sm">The clinic gives and ends family access. Call the clinic to change it.</Text>}
        </Section>
        <Section title="Sign-in and security" id="account-security">
          <List spacing="sm">
            <List.Item>
              <Anchor href="/auth/forgot">Change your password</Anchor> (we email you a link)
            </List.Item>
            <List.Item>Two-step sign-in (a code from an authenticator app) is optional for patients; the clinic can turn it on for your account.</List.Item>
            <List.Item>
              <Anchor component={Link} to="/apps">Apps connected to your record</Anchor>
            </List.Item>
            <List.Item>
              <Anchor component={Link} to="/activity">Who has looked at your record</Anchor>
            </List.Item>
          </List>
        </Section>
        <CaregiverAccess />
      </div>
    </>
  );
}
