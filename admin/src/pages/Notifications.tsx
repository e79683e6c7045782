import { useEffect, useState, type ReactNode, type SubmitEvent } from 'react';
import { api, must } from '../api.js';
import {
  FilterBar,
  PagedTable,
  SelectFilter,
  UserIdFilter,
  usePagedList,
  userColumn,
} from '../list.js';
import { useTitle } from '../router.js';
import { ActionButton, DataTable, Loaded, ProblemView, StatusBadge, Time, useLoad } from '../ui.js';

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
  const list = usePagedList('/notifications', ['status', 'userId'], (f) =>
    must(
      api.GET('/api/v1/notifications/deliveries', {
        params: {
          query: {
            status: f.status as DeliveryStatus | undefined,
            userId: f.userId,
            cursor: f.cursor,
            limit: 25,
          },
        },
      }),
    ),
  );
  return (
    <section aria-labelledby="deliveries-h">
      <h2 id="deliveries-h">Deliveries</h2>
      <FilterBar>
        <SelectFilter label="Status" filter="status" options={STATUSES} list={list} />
        <UserIdFilter list={list} />
      </FilterBar>
      <PagedTable
        load={list.load}
        emptyText="No delivery matches these filters."
        rowKey={(d) => d.id}
        onNext={list.nextPage}
        columns={[
          { header: 'Type', cell: (d) => d.type },
          { header: 'Channel', cell: (d) => d.channel },
          { header: 'Status', cell: (d) => <StatusBadge status={d.status} /> },
          { header: 'Attempts', cell: (d) => d.attempts },
          { header: 'Error', cell: (d) => d.lastError ?? '—', className: 'error-text' },
          userColumn(),
          { header: 'Created', cell: (d) => <Time value={d.createdAt} /> },
          {
            header: <span className="visually-hidden">Actions</span>,
            cell: (d) =>
              d.status === 'failed' && (
                <ActionButton
                  label="Retry"
                  run={() =>
                    must(
                      api.POST('/api/v1/notifications/deliveries/{id}/retry', {
                        params: { path: { id: d.id } },
                      }),
                    )
                  }
                  done={list.reload}
                />
              ),
          },
        ]}
      />
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
          <DataTable
            rows={c.data}
            rowKey={(entry) => entry.type}
            columns={[
              { header: 'Type', cell: (entry) => <code>{entry.type}</code> },
              { header: 'Category', cell: (entry) => entry.category },
              { header: 'Default channels', cell: (entry) => entry.defaultChannels.join(', ') },
            ]}
          />
        )}
      </Loaded>
    </section>
  );
}
