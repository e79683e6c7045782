import { useEffect, useRef, useState, type ReactNode, type SubmitEvent } from 'react';
import { confirmTotpEnrolment, startTotpEnrolment, type ConsoleSession } from '../api.js';
import { QrCode } from '../qr-code.js';
import { useTitle } from '../router.js';
import { ProblemView } from '../ui.js';

type Step =
  | { step: 'starting' }
  | { step: 'failed'; error: unknown }
  | { step: 'scan'; secret: string; otpauthUri: string }
  | { step: 'saved'; recoveryCodes: string[]; session: ConsoleSession };

/**
 * ADMIN_MFA_REQUIRED and no second factor yet: every admin route would answer
 * `mfa-enrolment-required`, so the console sets up an authenticator app first. The secret comes
 * from POST /auth/mfa/totp (through the forwarder); the first code turns MFA on and raises this
 * console session to aal2, so the admin continues without signing in again.
 */
export function MfaSetupPage(props: {
  email: string;
  onDone: (session: ConsoleSession) => void;
  onSignOut: () => void;
}): ReactNode {
  useTitle('Set up two-step sign-in');
  const [step, setStep] = useState<Step>({ step: 'starting' });
  const started = useRef(false);
  const begin = (): void => {
    setStep({ step: 'starting' });
    startTotpEnrolment().then(
      (enrolment) => setStep({ step: 'scan', ...enrolment }),
      (error: unknown) => setStep({ step: 'failed', error }),
    );
  };
  useEffect(() => {
    // Once: starting again replaces the secret, and the page must show the one that counts.
    if (started.current) return;
    started.current = true;
    begin();
  }, []);

  return (
    <main className="signin setup" id="main">
      <h1>Set up two-step sign-in</h1>
      <p>
        Administrators must sign in with a second factor. Add <strong>{props.email}</strong> to an
        authenticator app (1Password, Google Authenticator, Aegis…), then enter the code it shows.
      </p>
      {step.step === 'starting' && <p aria-busy="true">Preparing a secret…</p>}
      {step.step === 'failed' && (
        <>
          <ProblemView error={step.error} />
          <button type="button" onClick={begin}>
            Try again
          </button>
        </>
      )}
      {step.step === 'scan' && (
        <ScanStep
          secret={step.secret}
          otpauthUri={step.otpauthUri}
          onSaved={(saved) => setStep({ step: 'saved', ...saved })}
        />
      )}
      {step.step === 'saved' && (
        <RecoveryCodes codes={step.recoveryCodes} onContinue={() => props.onDone(step.session)} />
      )}
      {step.step !== 'saved' && (
        <p className="muted">
          <button type="button" onClick={props.onSignOut}>
            Sign out
          </button>
        </p>
      )}
    </main>
  );
}

function ScanStep(props: {
  secret: string;
  otpauthUri: string;
  onSaved: (saved: { recoveryCodes: string[]; session: ConsoleSession }) => void;
}): ReactNode {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: SubmitEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    const code = String(new FormData(event.currentTarget).get('code') ?? '').replace(/\s/g, '');
    setBusy(true);
    setError(null);
    try {
      props.onSaved(await confirmTotpEnrolment(code));
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(event) => void submit(event)}>
      <div>
        <span id="secret-label">Secret key (type it into the app, time-based, 6 digits)</span>
        <code className="secret" aria-labelledby="secret-label" data-testid="totp-secret">
          {props.secret}
        </code>
      </div>
      <QrCode text={props.otpauthUri} label="QR code to scan with the authenticator app" />
      <p className="muted">
        Scan it with the app, or type the secret above. On a phone with the app:{' '}
        <a href={props.otpauthUri}>open it in the app</a>.
      </p>
      <details>
        <summary>The otpauth:// address (for apps that import one)</summary>
        <code className="uri" data-testid="otpauth-uri">
          {props.otpauthUri}
        </code>
      </details>
      <label>
        Code from the app
        <input
          name="code"
          autoComplete="one-time-code"
          inputMode="numeric"
          pattern="[0-9 ]{6,7}"
          required
          autoFocus
        />
      </label>
      <button type="submit" disabled={busy}>
        {busy ? 'Checking…' : 'Turn on two-step sign-in'}
      </button>
      {error !== null && <ProblemView error={error} />}
    </form>
  );
}

function RecoveryCodes(props: { codes: string[]; onContinue: () => void }): ReactNode {
  return (
    <section aria-labelledby="recovery-title">
      <h2 id="recovery-title">Recovery codes</h2>
      <p role="status">
        Two-step sign-in is on. Keep these codes somewhere safe: each one signs you in once if you
        lose the app. They are shown only now.
      </p>
      <ol className="codes" data-testid="recovery-codes">
        {props.codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <button type="button" onClick={props.onContinue}>
        I have saved them: continue
      </button>
    </section>
  );
}
