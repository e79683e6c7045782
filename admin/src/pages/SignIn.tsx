import { useState, type ReactNode, type SubmitEvent } from 'react';
import { ApiProblem, signIn, type ConsoleSession } from '../api.js';
import { useTitle } from '../router.js';
import { ProblemView } from '../ui.js';

export function SignInPage(props: {
  onSignedIn: (session: ConsoleSession) => void;
  onNotAllowed: () => void;
}): ReactNode {
  useTitle('Sign in');
  const [mfaToken, setMfaToken] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: SubmitEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      const answer = await signIn(
        mfaToken
          ? { mfaToken, code: String(form.get('code') ?? '') }
          : {
              email: String(form.get('email') ?? ''),
              password: String(form.get('password') ?? ''),
            },
      );
      if ('mfaRequired' in answer) setMfaToken(answer.mfaToken);
      else props.onSignedIn(answer);
    } catch (caught) {
      if (caught instanceof ApiProblem && caught.type === 'urn:problem:console-admins-only') {
        props.onNotAllowed();
        return;
      }
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="signin" id="main">
      <h1>Admin console</h1>
      <form onSubmit={(event) => void submit(event)} aria-describedby="signin-help">
        <p id="signin-help" className="muted">
          {mfaToken ? 'Enter the code from your authenticator app.' : 'Administrators only.'}
        </p>
        {mfaToken ? (
          <label>
            Authentication code
            <input
              name="code"
              autoComplete="one-time-code"
              inputMode="numeric"
              required
              autoFocus
            />
          </label>
        ) : (
          <>
            <label>
              Email
              <input name="email" type="email" autoComplete="username" required autoFocus />
            </label>
            <label>
              Password
              <input name="password" type="password" autoComplete="current-password" required />
            </label>
          </>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : mfaToken ? 'Verify' : 'Sign in'}
        </button>
        {error !== null && <ProblemView error={error} />}
      </form>
    </main>
  );
}
