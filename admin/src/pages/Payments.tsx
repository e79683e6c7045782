import type { ReactNode } from 'react';
import { api, must } from '../api.js';
import { formatMoney, readFilters, withCursor, withFilter } from '../query.js';
import { navigate, useLocation, useTitle } from '../router.js';
import { Link, Loaded, Pager, Time, useLoad } from '../ui.js';

const STATUSES = [
  'requires_payment_method',
  'requires_confirmation',
  'requires_action',
  'processing',
  'succeeded',
  'failed',
  'canceled',
  'refunded',
  'partially_refunded',
] as const;
type Status = (typeof STATUSES)[number];

export function PaymentsPage(): ReactNode {
  useTitle('Payments');
  const { query } = useLocation();
  const filters = readFilters(query, ['status', 'userId', 'cursor']);
  const [load] = useLoad(
    () =>
      must(
        api.GET('/api/v1/payments', {
          params: {
            query: {
              status: filters.status as Status | undefined,
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
    navigate(`/payments${withFilter(query, key, value)}`);
  return (
    <>
      <h1>Payments</h1>
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          Status
          <select
            value={filters.status ?? ''}
            onChange={(e) => set('status', e.currentTarget.value)}
          >
            <option value="">Any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
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
        emptyText="No payment matches these filters."
      >
        {(page) => (
          <>
            <table>
              <thead>
                <tr>
                  <th scope="col">Amount</th>
                  <th scope="col">Status</th>
                  <th scope="col">Refunded</th>
                  <th scope="col">Description</th>
                  <th scope="col">User</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {page.data.map((p) => (
                  <tr key={p.id}>
                    <td>
                      <Link to={`/payments/${p.id}`}>{formatMoney(p.amount, p.currency)}</Link>
                    </td>
                    <td>
                      <span className={`badge ${p.status}`}>{p.status}</span>
                    </td>
                    <td>{p.amountRefunded ? formatMoney(p.amountRefunded, p.currency) : '—'}</td>
                    <td>{p.description ?? '—'}</td>
                    <td>
                      <Link to={`/users/${p.userId}`}>{p.userId.slice(0, 8)}</Link>
                    </td>
                    <td>
                      <Time value={p.createdAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager
              next={page.nextCursor}
              onNext={(c) => navigate(`/payments${withCursor(query, c)}`)}
            />
          </>
        )}
      </Loaded>
    </>
  );
}
