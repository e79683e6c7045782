import type { ReactNode } from 'react';
import { api, must } from '../api.js';
import { formatMoney } from '../query.js';
import { navigate, useTitle } from '../router.js';
import { ActionButton, DataTable, Link, Loaded, StatusBadge, Time, useLoad } from '../ui.js';

export function UserPage({ id }: { id: string }): ReactNode {
  useTitle('User');
  const p = { params: { path: { id } } };
  const [user, reloadUser] = useLoad(() => must(api.GET('/api/v1/users/{id}', p)), `user:${id}`);
  const [sessions, reloadSessions] = useLoad(
    () =>
      must(
        api.GET('/api/v1/users/{id}/sessions', { params: { path: { id }, query: { limit: 50 } } }),
      ),
    `sessions:${id}`,
  );
  const [events, reloadEvents] = useLoad(
    () =>
      must(
        api.GET('/api/v1/users/{id}/auth-events', {
          params: { path: { id }, query: { limit: 20 } },
        }),
      ),
    `events:${id}`,
  );
  const [payments] = useLoad(
    () => must(api.GET('/api/v1/payments', { params: { query: { userId: id, limit: 10 } } })),
    `payments:${id}`,
  );
  const [deliveries] = useLoad(
    () =>
      must(
        api.GET('/api/v1/notifications/deliveries', {
          params: { query: { userId: id, limit: 10 } },
        }),
      ),
    `deliveries:${id}`,
  );
  const afterChange = (): void => {
    reloadUser();
    reloadSessions();
    reloadEvents();
  };

  return (
    <>
      <p>
        <Link to="/users">← Users</Link>
      </p>
      <Loaded load={user}>
        {(u) => (
          <section aria-labelledby="user-h">
            <h1 id="user-h">{u.email}</h1>
            <dl className="pairs">
              <dt>Name</dt>
              <dd>{u.displayName}</dd>
              <dt>Role</dt>
              <dd>{u.role}</dd>
              <dt>Status</dt>
              <dd>
                <StatusBadge status={u.status} testId="user-status" />
              </dd>
              <dt>Email verified</dt>
              <dd>{u.emailVerified ? 'yes' : 'no'}</dd>
              <dt>Created</dt>
              <dd>
                <Time value={u.createdAt} />
              </dd>
            </dl>
            <div className="actions">
              <ActionButton
                label={u.status === 'active' ? 'Disable' : 'Enable'}
                confirm={`${u.status === 'active' ? 'Disable' : 'Enable'} ${u.email}? Their sessions end.`}
                run={() =>
                  must(
                    api.PATCH('/api/v1/users/{id}', {
                      ...p,
                      body: { status: u.status === 'active' ? 'disabled' : 'active' },
                    }),
                  )
                }
                done={afterChange}
              />
              <ActionButton
                label={u.role === 'admin' ? 'Make user' : 'Make admin'}
                confirm={`Change the role of ${u.email}? Their sessions end.`}
                run={() =>
                  must(
                    api.PATCH('/api/v1/users/{id}', {
                      ...p,
                      body: { role: u.role === 'admin' ? 'user' : 'admin' },
                    }),
                  )
                }
                done={afterChange}
              />
              <ActionButton
                label="Delete account"
                danger
                confirm={`Delete ${u.email}? Personal data is erased. This cannot be undone.`}
                run={() => must(api.DELETE('/api/v1/users/{id}', p))}
                done={() => navigate('/users')}
              />
            </div>
          </section>
        )}
      </Loaded>

      <section aria-labelledby="sessions-h">
        <h2 id="sessions-h">Sessions</h2>
        <div className="actions">
          <ActionButton
            label="Revoke all sessions"
            confirm="End every session of this user?"
            run={() => must(api.DELETE('/api/v1/users/{id}/sessions', p))}
            done={afterChange}
          />
        </div>
        <Loaded load={sessions} empty={(s) => s.data.length === 0} emptyText="No live sessions.">
          {(s) => (
            <DataTable
              rows={s.data}
              rowKey={(session) => session.id}
              columns={[
                { header: 'Device', cell: (session) => session.deviceName },
                { header: 'IP', cell: (session) => session.ipAddress ?? '—' },
                { header: 'Signed in', cell: (session) => <Time value={session.createdAt} /> },
                { header: 'Last used', cell: (session) => <Time value={session.lastUsedAt} /> },
                {
                  header: <span className="visually-hidden">Actions</span>,
                  cell: (session) => (
                    <ActionButton
                      label={`Revoke ${session.deviceName}`}
                      confirm={`End the session on ${session.deviceName}?`}
                      run={() =>
                        must(
                          api.DELETE('/api/v1/users/{id}/sessions/{sessionId}', {
                            params: { path: { id, sessionId: session.id } },
                          }),
                        )
                      }
                      done={afterChange}
                    />
                  ),
                },
              ]}
            />
          )}
        </Loaded>
      </section>

      <section aria-labelledby="events-h">
        <h2 id="events-h">Security events (audit)</h2>
        <Loaded load={events} empty={(e) => e.data.length === 0} emptyText="No events.">
          {(e) => (
            <DataTable
              rows={e.data}
              rowKey={(event) => event.id}
              columns={[
                { header: 'When', cell: (event) => <Time value={event.createdAt} /> },
                { header: 'Event', cell: (event) => event.type },
                {
                  header: 'By',
                  cell: (event) =>
                    event.actorId ? <Link to={`/users/${event.actorId}`}>admin</Link> : 'self',
                },
                { header: 'IP', cell: (event) => event.ipAddress ?? '—' },
              ]}
            />
          )}
        </Loaded>
      </section>

      <div className="two">
        <section aria-labelledby="payments-h">
          <h2 id="payments-h">
            Payments <Link to={`/payments?userId=${id}`}>all</Link>
          </h2>
          <Loaded load={payments} empty={(x) => x.data.length === 0} emptyText="No payments.">
            {(x) => (
              <ul className="plain">
                {x.data.map((payment) => (
                  <li key={payment.id}>
                    <Link to={`/payments/${payment.id}`}>
                      {formatMoney(payment.amount, payment.currency)}
                    </Link>{' '}
                    <StatusBadge status={payment.status} />
                  </li>
                ))}
              </ul>
            )}
          </Loaded>
        </section>
        <section aria-labelledby="deliveries-h">
          <h2 id="deliveries-h">
            Notifications <Link to={`/notifications?userId=${id}`}>all</Link>
          </h2>
          <Loaded load={deliveries} empty={(x) => x.data.length === 0} emptyText="No deliveries.">
            {(x) => (
              <ul className="plain">
                {x.data.map((d) => (
                  <li key={d.id}>
                    {d.type} by {d.channel} <StatusBadge status={d.status} />
                  </li>
                ))}
              </ul>
            )}
          </Loaded>
        </section>
      </div>
    </>
  );
}
