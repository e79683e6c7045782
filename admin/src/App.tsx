import { useEffect, useState, type ReactNode } from 'react';
import {
  currentSession,
  setSession,
  signOut,
  whenEnrolmentRequired,
  whenSignedOut,
  type ConsoleSession,
} from './api.js';
import { navigate, useLocation } from './router.js';
import { Link, ProblemView } from './ui.js';
import { MfaSetupPage } from './pages/MfaSetup.js';
import { NotAllowedPage } from './pages/NotAllowed.js';
import { NotificationsPage } from './pages/Notifications.js';
import { OverviewPage } from './pages/Overview.js';
import { PaymentPage } from './pages/Payment.js';
import { PaymentsPage } from './pages/Payments.js';
import { QueuesPage } from './pages/Queues.js';
import { SignInPage } from './pages/SignIn.js';
import { UserPage } from './pages/User.js';
import { UsersPage } from './pages/Users.js';

type Gate =
  | { state: 'checking' }
  | { state: 'signed-out' }
  | { state: 'not-allowed' }
  | { state: 'error'; error: unknown }
  | { state: 'enrol'; session: ConsoleSession }
  | { state: 'signed-in'; session: ConsoleSession };

const NAV = [
  ['/', 'Overview'],
  ['/users', 'Users'],
  ['/payments', 'Payments'],
  ['/notifications', 'Notifications'],
  ['/queues', 'Queues'],
] as const;

export function App(): ReactNode {
  const [gate, setGate] = useState<Gate>({ state: 'checking' });
  const enter = (session: ConsoleSession): void => {
    setSession(session);
    setGate({ state: session.mfaEnrolmentRequired ? 'enrol' : 'signed-in', session });
  };
  const leave = async (): Promise<void> => {
    await signOut();
    setSession(null);
    setGate({ state: 'signed-out' });
    navigate('/', { replace: true });
  };
  useEffect(() => {
    whenSignedOut(() => {
      setSession(null);
      setGate({ state: 'signed-out' });
    });
    // The session info said nothing (MFA was turned off meanwhile), but an admin route did.
    whenEnrolmentRequired(() =>
      setGate((current) =>
        current.state === 'signed-in' ? { state: 'enrol', session: current.session } : current,
      ),
    );
    currentSession().then(
      (session) => (session ? enter(session) : setGate({ state: 'signed-out' })),
      (error: unknown) => setGate({ state: 'error', error }),
    );
  }, []);

  switch (gate.state) {
    case 'checking':
      return <p aria-busy="true">Loading…</p>;
    case 'error':
      return <ProblemView error={gate.error} />;
    case 'not-allowed':
      return <NotAllowedPage onBack={() => setGate({ state: 'signed-out' })} />;
    case 'signed-out':
      return (
        <SignInPage onSignedIn={enter} onNotAllowed={() => setGate({ state: 'not-allowed' })} />
      );
    case 'enrol':
      return (
        <MfaSetupPage
          email={gate.session.user.email}
          onDone={enter}
          onSignOut={() => void leave()}
        />
      );
    case 'signed-in':
      return <Shell session={gate.session} onSignOut={leave} />;
  }
}

function Shell(props: { session: ConsoleSession; onSignOut: () => Promise<void> }): ReactNode {
  const { path } = useLocation();
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header>
        <span className="brand">Admin console</span>
        <nav aria-label="Sections">
          {NAV.map(([to, label]) => (
            <Link key={to} to={to} className={section(path) === to ? 'current' : ''}>
              {label}
            </Link>
          ))}
        </nav>
        <span className="who">
          {props.session.user.email}{' '}
          <button type="button" onClick={() => void props.onSignOut()}>
            Sign out
          </button>
        </span>
      </header>
      <main id="main" tabIndex={-1}>
        <Page path={path} />
      </main>
    </div>
  );
}

function section(path: string): string {
  return '/' + (path.split('/')[1] ?? '');
}

function Page({ path }: { path: string }): ReactNode {
  const [, first, id] = path.split('/');
  if (first === 'users' && id) return <UserPage id={id} />;
  if (first === 'users') return <UsersPage />;
  if (first === 'payments' && id) return <PaymentPage id={id} />;
  if (first === 'payments') return <PaymentsPage />;
  if (first === 'notifications') return <NotificationsPage />;
  if (first === 'queues') return <QueuesPage />;
  if (!first) return <OverviewPage />;
  return (
    <p>
      No such page. <Link to="/">Back to the overview</Link>
    </p>
  );
}
