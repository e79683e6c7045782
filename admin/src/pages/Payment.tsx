import { useState, type ReactNode, type SubmitEvent } from 'react';
import { ApiProblem, api, must } from '../api.js';
import { formatMoney, parseAmount } from '../query.js';
import { useTitle } from '../router.js';
import { DataTable, Link, Loaded, ProblemView, StatusBadge, Time, useLoad } from '../ui.js';

export function PaymentPage({ id }: { id: string }): ReactNode {
  useTitle('Payment');
  const p = { params: { path: { id } } };
  const [payment, reloadPayment] = useLoad(
    () => must(api.GET('/api/v1/payments/{id}', p)),
    `payment:${id}`,
  );
  const [history, reloadHistory] = useLoad(
    () => must(api.GET('/api/v1/payments/{id}/history', p)),
    `history:${id}`,
  );
  const reload = (): void => {
    reloadPayment();
    reloadHistory();
  };
  return (
    <>
      <p>
        <Link to="/payments">← Payments</Link>
      </p>
      <Loaded load={payment}>
        {(pay) => (
          <section aria-labelledby="pay-h">
            <h1 id="pay-h">
              {formatMoney(pay.amount, pay.currency)}{' '}
              <StatusBadge status={pay.status} testId="payment-status" />
            </h1>
            <dl className="pairs">
              <dt>Payment</dt>
              <dd>
                <code>{pay.id}</code>
              </dd>
              <dt>User</dt>
              <dd>
                <Link to={`/users/${pay.userId}`}>{pay.userId}</Link>
              </dd>
              <dt>Provider</dt>
              <dd>{pay.provider}</dd>
              <dt>Refunded</dt>
              <dd data-testid="amount-refunded">{formatMoney(pay.amountRefunded, pay.currency)}</dd>
              <dt>Description</dt>
              <dd>{pay.description ?? '—'}</dd>
              {pay.failureMessage && (
                <>
                  <dt>Failure</dt>
                  <dd>{pay.failureMessage}</dd>
                </>
              )}
            </dl>
            {(pay.status === 'succeeded' || pay.status === 'partially_refunded') && (
              <RefundForm
                paymentId={pay.id}
                currency={pay.currency}
                remaining={pay.amount - pay.amountRefunded}
                onDone={reload}
              />
            )}
          </section>
        )}
      </Loaded>
      <Loaded load={history}>
        {(h) => (
          <>
            <section aria-labelledby="timeline-h">
              <h2 id="timeline-h">Timeline</h2>
              <ol className="timeline" data-testid="timeline">
                {h.transitions.map((t) => (
                  <li key={t.id}>
                    <Time value={t.createdAt} /> {t.fromStatus ?? 'created'} →{' '}
                    <strong>{t.toStatus}</strong> <span className="muted">by {t.source}</span>
                  </li>
                ))}
              </ol>
            </section>
            <section aria-labelledby="refunds-h">
              <h2 id="refunds-h">Refunds</h2>
              {h.refunds.length === 0 ? (
                <p className="empty">No refunds.</p>
              ) : (
                <DataTable
                  rows={h.refunds}
                  rowKey={(r) => r.id}
                  columns={[
                    { header: 'Amount', cell: (r) => formatMoney(r.amount, r.currency) },
                    { header: 'Status', cell: (r) => <StatusBadge status={r.status} /> },
                    { header: 'Reason', cell: (r) => r.reason ?? '—' },
                    { header: 'Created', cell: (r) => <Time value={r.createdAt} /> },
                  ]}
                />
              )}
            </section>
            <section aria-labelledby="webhooks-h">
              <h2 id="webhooks-h">Provider webhook events</h2>
              {h.webhookEvents.length === 0 ? (
                <p className="empty">No webhook events for this payment.</p>
              ) : (
                <DataTable
                  rows={h.webhookEvents}
                  rowKey={(w) => w.id}
                  columns={[
                    { header: 'Type', cell: (w) => w.type },
                    { header: 'Status', cell: (w) => w.status },
                    { header: 'Attempts', cell: (w) => w.attempts },
                    { header: 'Error', cell: (w) => w.lastError ?? '—' },
                    { header: 'Received', cell: (w) => <Time value={w.createdAt} /> },
                  ]}
                />
              )}
            </section>
          </>
        )}
      </Loaded>
    </>
  );
}

/**
 * One Idempotency-Key per refund the operator means to make: generated when the form opens and
 * kept across resubmits (a double click or a retry after a timeout refunds once), renewed once
 * the API has answered for it (a refund made, or refused).
 */
function RefundForm(props: {
  paymentId: string;
  currency: string;
  remaining: number;
  onDone: () => void;
}): ReactNode {
  const [key, setKey] = useState(() => crypto.randomUUID());
  const [error, setError] = useState<unknown>(null);
  const [invalid, setInvalid] = useState(false);
  const [busy, setBusy] = useState(false);
  const submit = async (event: SubmitEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    const form = event.currentTarget;
    const text = String(new FormData(form).get('amount') ?? '').trim();
    const amount = text === '' ? undefined : parseAmount(text, props.currency);
    if (amount === null) {
      setInvalid(true);
      return;
    }
    setInvalid(false);
    setBusy(true);
    setError(null);
    try {
      await must(
        api.POST('/api/v1/payments/{id}/refunds', {
          params: { path: { id: props.paymentId }, header: { 'Idempotency-Key': key } },
          body: { amount, reason: 'requested_by_customer' },
        }),
      );
      setKey(crypto.randomUUID());
      form.reset();
      props.onDone();
    } catch (caught) {
      // A refusal (4xx) is final: the next attempt is a new refund. Anything else (network,
      // 5xx) may have refunded: a resubmit must reuse the key so that it refunds at most once.
      if (caught instanceof ApiProblem && caught.status < 500) setKey(crypto.randomUUID());
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="refund" onSubmit={(event) => void submit(event)} aria-labelledby="refund-h">
      <h2 id="refund-h">Refund</h2>
      <label>
        Amount ({props.currency.toUpperCase()}; empty refunds the rest:{' '}
        {formatMoney(props.remaining, props.currency)})
        <input
          name="amount"
          inputMode="decimal"
          aria-invalid={invalid}
          aria-describedby="refund-help"
        />
      </label>
      <p id="refund-help" className={invalid ? 'bad' : 'muted'}>
        {invalid ? 'Enter an amount like 12.50.' : 'Partial or full; the customer gets a receipt.'}
      </p>
      <button type="submit" disabled={busy}>
        {busy ? 'Refunding…' : 'Refund'}
      </button>
      {error !== null && <ProblemView error={error} />}
    </form>
  );
}
