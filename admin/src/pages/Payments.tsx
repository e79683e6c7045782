import type { ReactNode } from 'react';
import { api, must } from '../api.js';
import {
  FilterBar,
  PagedTable,
  SelectFilter,
  UserIdFilter,
  usePagedList,
  userColumn,
} from '../list.js';
import { formatMoney } from '../query.js';
import { useTitle } from '../router.js';
import { Link, StatusBadge, Time } from '../ui.js';

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
  const list = usePagedList('/payments', ['status', 'userId'], (f) =>
    must(
      api.GET('/api/v1/payments', {
        params: {
          query: {
            status: f.status as Status | undefined,
            userId: f.userId,
            cursor: f.cursor,
            limit: 25,
          },
        },
      }),
    ),
  );
  return (
    <>
      <h1>Payments</h1>
      <FilterBar>
        <SelectFilter label="Status" filter="status" options={STATUSES} list={list} />
        <UserIdFilter list={list} />
      </FilterBar>
      <PagedTable
        load={list.load}
        emptyText="No payment matches these filters."
        rowKey={(p) => p.id}
        onNext={list.nextPage}
        columns={[
          {
            header: 'Amount',
            cell: (p) => <Link to={`/payments/${p.id}`}>{formatMoney(p.amount, p.currency)}</Link>,
          },
          { header: 'Status', cell: (p) => <StatusBadge status={p.status} /> },
          {
            header: 'Refunded',
            cell: (p) => (p.amountRefunded ? formatMoney(p.amountRefunded, p.currency) : '—'),
          },
          { header: 'Description', cell: (p) => p.description ?? '—' },
          userColumn(),
          { header: 'Created', cell: (p) => <Time value={p.createdAt} /> },
        ]}
      />
    </>
  );
}
