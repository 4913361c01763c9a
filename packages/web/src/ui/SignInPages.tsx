/** The screens around signing in, shared by both apps: a busy screen, and the OAuth callback (with its error and a way to try again). */
import { useEffect, useRef, useState } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { Alert, Button, Center, Loader, Stack, Text } from '@mantine/core';
import { beginSignIn, completeSignIn, type Session, type SignInClient } from '../auth/session.ts';
import { errorMessage } from '../fhir/client.ts';

export function Busy({ label }: { label: string }) {
  return (
    <Center h="100vh">
      <Stack align="center" gap="sm">
        <Loader aria-hidden />
        <Text role="status">{label}</Text>
      </Stack>
    </Center>
  );
}

/** Completes the sign-in on the callback route, then goes back where the user was. */
export function Callback({ signIn, onSession }: { signIn: SignInClient; onSession: (s: Session) => void }) {
  const location = useLocation();
  const navigate = useNavigate();
  const [error, setError] = useState<string>();
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    completeSignIn(location.search, signIn).then(
      ({ session, returnTo }) => {
        onSession(session);
        navigate(returnTo, { replace: true });
      },
      (err: unknown) => setError(errorMessage(err)),
    );
  }, [location.search, navigate, onSession, signIn]);
  if (!error) return <Busy label="Signing in…" />;
  return (
    <Center h="100vh">
      <Stack maw={420}>
        <Alert color="red" title="Sign-in failed" role="alert">
          {error}
        </Alert>
        <Button onClick={() => void beginSignIn('/', signIn)}>Sign in again</Button>
      </Stack>
    </Center>
  );
}
