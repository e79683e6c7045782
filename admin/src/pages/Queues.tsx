import { useState, type ReactNode } from 'react';
import { api, must } from '../api.js';
import { useTitle } from '../router.js';
import { ProblemView } from '../ui.js';

/**
 * bull-board behind the console's session: the console asks the API for a dashboard ticket
 * (a cookie scoped to /admin/queues that ends with this session), then opens the board.
 */
export function QueuesPage(): ReactNode {
  useTitle('Queues');
  const [error, setError] = useState<unknown>(null);
  const open = async (): Promise<void> => {
    setError(null);
    try {
      await must(api.POST('/api/v1/admin/queue-dashboard/session'));
      window.location.assign('/admin/queues');
    } catch (caught) {
      setError(caught);
    }
  };
  return (
    <>
      <h1>Queues</h1>
      <p>
        Jobs of every queue (outbox relay, notifications, payments): waiting, active, delayed and
        failed ones, with their data and errors, in the bull-board dashboard. It opens in this tab
        with the console's session (for 15 minutes; it ends when you sign out).
      </p>
      <button type="button" onClick={() => void open()}>
        Open the queue dashboard
      </button>
      {error !== null && <ProblemView error={error} />}
    </>
  );
}
