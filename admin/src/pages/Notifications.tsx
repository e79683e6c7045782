import { useEffect, useState, type ReactNode, type SubmitEvent } from 'react';
import { api, must } from '../api.js';
import { readFilters, withCursor, withFilter } from '../query.js';
import { navigate, useLocation, useTitle } from '../router.js';
import { ActionButton, Link, Loaded, Pager, ProblemView, Time, useLoad } from '../ui.js';

type DeliveryStatus = 'queued' | 'sending' | 'sent' | 'failed' | 'skipped';
const STATUSES: DeliveryStatus[] = ['queued', 'sending', 'sent', 'failed', 'skipped'];
/** How often a running broadcast's progress is read again. */
const POLL_MS = 1000;

export function NotificationsPage(): ReactNode {
  useTitle('Notifications');
  return (
    <>
      <h1>Notifications</h1>
      <Broadcast />
      <Deliveries />
      <Catalogue />
    </>
  );
}

function Deliveries(): ReactNode {
  const { query } = useLocation();
  const filters = readFilters(query, ['status', 'userId', 'cursor']);
  const [load, reload] = useLoad(
    () =>
      must(
        api.GET('/api/v1/notifications/deliveries', {
          params: {
            query: {
              status: filters.status as DeliveryStatus | undefined,
              userId: filters.userId,
              cursor: filters.cursor,
              limit: 25,
            },
          },
        }),
      ),
    JSON.stringify(filters),
  );
  const set = (key: string, value: string): void =>
    navigate(`/notifications${withFilter(query, key, value)}`);
  return (
    <section aria-labelledby="deliveries-h">
      <h2 id="deliveries-h">Deliveries</h2>
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          Status
          <select
            value={filters.status ?? ''}
            onChange={(e) => set('status', e.currentTarget.value)}
          >
            <option value="">Any</option>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          User id
          <input
            name="userId"
            defaultValue={filters.userId ?? ''}
            placeholder="uuid"
            onBlur={(e) => set('userId', e.currentTarget.value)}
          />
        </label>
      </form>
      <Loaded
        load={load}
        empty={(p) => p.data.length === 0}
        emptyText="No delivery matches these filters."
      >
        {(page) => (
          <>
            <table>
              <thead>
                <tr>
                  <th scope="col">Type</th>
                  <th scope="col">Channel</th>
                  <th scope="col">Status</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Error</th>
                  <th scope="col">User</th>
                  <th scope="col">Created</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {page.data.map((d) => (
                  <tr key={d.id}>
                    <td>{d.type}</td>
                    <td>{d.channel}</td>
                    <td>
                      <span className={`badge ${d.status}`}>{d.status}</span>
                    </td>
                    <td>{d.attempts}</td>
                    <td className="error-text">{d.lastError ?? '—'}</td>
                    <td>
                      <Link to={`/users/${d.userId}`}>{d.userId.slice(0, 8)}</Link>
                    </td>
                    <td>
                      <Time value={d.createdAt} />
                    </td>
                    <td>
                      {d.status === 'failed' && (
                        <ActionButton
                          label="Retry"
                          run={() =>
                            must(
                              api.POST('/api/v1/notifications/deliveries/{id}/retry', {
                                params: { path: { id: d.id } },
                              }),
                            )
                          }
                          done={reload}
                        />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager
              next={page.nextCursor}
              onNext={(c) => navigate(`/notifications${withCursor(query, c)}`)}
            />
          </>
        )}
      </Loaded>
    </section>
  );
}

function Broadcast(): ReactNode {
  const [broadcastId, setBroadcastId] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: SubmitEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const role = String(form.get('role') ?? '');
    if (!window.confirm(`Send this announcement to ${role ? `every ${role}` : 'everyone'}?`))
      return;
    setBusy(true);
    setError(null);
    try {
      const created = await must(
        api.POST('/api/v1/notifications/broadcast', {
          body: {
            title: String(form.get('title') ?? ''),
            body: String(form.get('body') ?? ''),
            ...(role ? { role: role as 'user' | 'admin' } : {}),
          },
        }),
      );
      setBroadcastId(created.id);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="broadcast-h">
      <h2 id="broadcast-h">Broadcast an announcement</h2>
      <form className="stack" onSubmit={(event) => void submit(event)}>
        <label>
          Title
          <input name="title" required maxLength={120} />
        </label>
        <label>
          Message
          <textarea name="body" required maxLength={2000} rows={3} />
        </label>
        <label>
          Send to
          <select name="role" defaultValue="">
            <option value="">Everyone</option>
            <option value="user">Users</option>
            <option value="admin">Admins</option>
          </select>
        </label>
        <button type="submit" disabled={busy}>
          {busy ? 'Sending…' : 'Send broadcast'}
        </button>
        {error !== null && <ProblemView error={error} />}
      </form>
      {broadcastId && <BroadcastProgress id={broadcastId} />}
    </section>
  );
}

function BroadcastProgress({ id }: { id: string }): ReactNode {
  const [tick, setTick] = useState(0);
  const [load] = useLoad(
    () => must(api.GET('/api/v1/notifications/broadcasts/{id}', { params: { path: { id } } })),
    `${id}:${tick}`,
  );
  const done = load.state === 'ready' && load.data.status === 'completed';
  useEffect(() => {
    if (done || load.state === 'error') return;
    const timer = window.setTimeout(() => setTick((n) => n + 1), POLL_MS);
    return () => window.clearTimeout(timer);
  }, [done, load]);
  return (
    <div className="progress" aria-live="polite">
      <Loaded load={load}>
        {(b) => (
          <p>
            Broadcast “{b.title}”: <strong data-testid="broadcast-status">{b.status}</strong>,{' '}
            {b.usersProcessed} users processed, {b.notificationsCreated} notifications created
            {b.completedAt && (
              <>
                {' '}
                · completed <Time value={b.completedAt} />
              </>
            )}
          </p>
        )}
      </Loaded>
    </div>
  );
}

function Catalogue(): ReactNode {
  const [load] = useLoad(() => must(api.GET('/api/v1/notifications/catalogue')), 'catalogue');
  return (
    <section aria-labelledby="catalogue-h">
      <h2 id="catalogue-h">Catalogue</h2>
      <Loaded load={load}>
        {(c) => (
          <table>
            <thead>
              <tr>
                <th scope="col">Type</th>
                <th scope="col">Category</th>
                <th scope="col">Default channels</th>
              </tr>
            </thead>
            <tbody>
              {c.data.map((entry) => (
                <tr key={entry.type}>
                  <td>
                    <code>{entry.type}</code>
                  </td>
                  <td>{entry.category}</td>
                  <td>{entry.defaultChannels.join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loaded>
    </section>
  );
}
