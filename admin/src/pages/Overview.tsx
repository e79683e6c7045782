import type { ReactNode } from 'react';
import { api, must } from '../api.js';
import { formatMoney } from '../query.js';
import { useTitle } from '../router.js';
import { Link, Loaded, Time, useLoad } from '../ui.js';

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
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Status</th>
                      <th scope="col">Count</th>
                      <th scope="col">Volume</th>
                    </tr>
                  </thead>
                  <tbody>
                    {o.paymentsToday.map((p) => (
                      <tr key={`${p.status}-${p.currency}`}>
                        <td>
                          <Link to={`/payments?status=${p.status}`}>{p.status}</Link>
                        </td>
                        <td>{p.count}</td>
                        <td>{formatMoney(p.amount, p.currency)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>
            <section aria-labelledby="ov-queues">
              <h2 id="ov-queues">Queues</h2>
              <table>
                <thead>
                  <tr>
                    <th scope="col">Queue</th>
                    <th scope="col">Waiting</th>
                    <th scope="col">Active</th>
                    <th scope="col">Delayed</th>
                    <th scope="col">Failed</th>
                  </tr>
                </thead>
                <tbody>
                  {o.queues.map((q) => (
                    <tr key={q.name}>
                      <td>{q.name}</td>
                      <td>{q.waiting}</td>
                      <td>{q.active}</td>
                      <td>{q.delayed}</td>
                      <td className={q.failed > 0 ? 'bad' : ''}>{q.failed}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          </>
        )}
      </Loaded>
    </>
  );
}

function Up({ up }: { up: boolean }): ReactNode {
  return <span className={`badge ${up ? 'active' : 'disabled'}`}>{up ? 'ready' : 'down'}</span>;
}
