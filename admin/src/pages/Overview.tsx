import type { ReactNode } from 'react';
import { api, must } from '../api.js';
import { formatMoney } from '../query.js';
import { useTitle } from '../router.js';
import { DataTable, Link, Loaded, StatusBadge, Time, useLoad } from '../ui.js';

export function OverviewPage(): ReactNode {
  useTitle('Overview');
  const [load, reload] = useLoad(() => must(api.GET('/api/v1/admin/overview')), 'overview');
  return (
    <>
      <h1>
        Overview{' '}
        <button type="button" className="small" onClick={reload}>
          Refresh
        </button>
      </h1>
      <Loaded load={load}>
        {(o) => (
          <>
            <p className="muted">
              As of <Time value={o.generatedAt} /> (UTC)
            </p>
            <div className="cards">
              <section className="card" aria-labelledby="ov-ready">
                <h2 id="ov-ready">Readiness</h2>
                <p>
                  PostgreSQL <Up up={o.readiness.postgres} />
                </p>
                <p>
                  Redis <Up up={o.readiness.redis} />
                </p>
              </section>
              <section className="card" aria-labelledby="ov-users">
                <h2 id="ov-users">Users</h2>
                <p className="figure">{o.users.total}</p>
                <p>
                  {o.users.newThisWeek} new this week · <Link to="/users">Browse</Link>
                </p>
              </section>
              <section className="card" aria-labelledby="ov-deliveries">
                <h2 id="ov-deliveries">Deliveries, last 24 h</h2>
                <dl className="pairs">
                  <dt>Sent</dt>
                  <dd>{o.deliveriesLastDay.sent}</dd>
                  <dt>Failed</dt>
                  <dd>
                    <Link to="/notifications?status=failed">{o.deliveriesLastDay.failed}</Link>
                  </dd>
                  <dt>Deferred</dt>
                  <dd>{o.deliveriesLastDay.deferred}</dd>
                  <dt>Skipped</dt>
                  <dd>{o.deliveriesLastDay.skipped}</dd>
                </dl>
              </section>
              <section className="card" aria-labelledby="ov-outbox">
                <h2 id="ov-outbox">Outbox</h2>
                <p className="figure">{o.outbox.pending}</p>
                <p>
                  waiting
                  {o.outbox.oldestAgeSeconds !== null && `, oldest ${o.outbox.oldestAgeSeconds} s`}
                </p>
              </section>
            </div>
            <section aria-labelledby="ov-payments">
              <h2 id="ov-payments">Payments today</h2>
              {o.paymentsToday.length === 0 ? (
                <p className="empty">No payments today.</p>
              ) : (
                <DataTable
                  rows={o.paymentsToday}
                  rowKey={(p) => `${p.status}-${p.currency}`}
                  columns={[
                    {
                      header: 'Status',
                      cell: (p) => <Link to={`/payments?status=${p.status}`}>{p.status}</Link>,
                    },
                    { header: 'Count', cell: (p) => p.count },
                    { header: 'Volume', cell: (p) => formatMoney(p.amount, p.currency) },
                  ]}
                />
              )}
            </section>
            <section aria-labelledby="ov-queues">
              <h2 id="ov-queues">Queues</h2>
              <DataTable
                rows={o.queues}
                rowKey={(q) => q.name}
                columns={[
                  { header: 'Queue', cell: (q) => q.name },
                  { header: 'Waiting', cell: (q) => q.waiting },
                  { header: 'Active', cell: (q) => q.active },
                  { header: 'Delayed', cell: (q) => q.delayed },
                  {
                    header: 'Failed',
                    cell: (q) => q.failed,
                    className: (q) => (q.failed > 0 ? 'bad' : ''),
                  },
                ]}
              />
            </section>
          </>
        )}
      </Loaded>
    </>
  );
}

function Up({ up }: { up: boolean }): ReactNode {
  return <StatusBadge status={up ? 'active' : 'disabled'}>{up ? 'ready' : 'down'}</StatusBadge>;
}
