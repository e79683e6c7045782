import type { ReactNode } from 'react';
import { useTitle } from '../router.js';

export function NotAllowedPage({ onBack }: { onBack: () => void }): ReactNode {
  useTitle('Not allowed');
  return (
    <main className="signin" id="main">
      <h1>Not allowed</h1>
      <p role="alert">
        This account is not an administrator, so it cannot use the console. Nothing was opened: the
        sign-in was ended.
      </p>
      <button type="button" onClick={onBack}>
        Sign in with another account
      </button>
    </main>
  );
}
