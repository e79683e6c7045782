import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { ApiProblem } from './api.js';
import { BASE, navigate } from './router.js';

export type Load<T> =
  { state: 'loading' } | { state: 'error'; error: unknown } | { state: 'ready'; data: T };

/** Runs `fetcher` whenever `key` changes; `reload` runs it again (after an action). */
export function useLoad<T>(fetcher: () => Promise<T>, key: string): [Load<T>, () => void] {
  const [load, setLoad] = useState<Load<T>>({ state: 'loading' });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    setLoad((current) => (current.state === 'ready' ? current : { state: 'loading' }));
    fetcher().then(
      (data) => live && setLoad({ state: 'ready', data }),
      (error: unknown) => live && setLoad({ state: 'error', error }),
    );
    return () => {
      live = false;
    };
    // The fetcher is a new closure each render; `key` names what it depends on.
  }, [key, round]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  return [load, reload];
}

/** A problem+json error as the operator needs it: what, why, and the id to quote. */
export function ProblemView({ error }: { error: unknown }): ReactNode {
  if (!(error instanceof ApiProblem)) {
    return (
      <div role="alert" className="problem">
        <strong>Something went wrong.</strong> {error instanceof Error ? error.message : ''}
      </div>
    );
  }
  return (
    <div role="alert" className="problem">
      <strong>{error.title}</strong> ({error.status}){error.detail ? `: ${error.detail}` : ''}
      {error.errors.length > 0 && (
        <ul>
          {error.errors.map((e) => (
            <li key={e.field}>
              {e.field}: {e.message}
            </li>
          ))}
        </ul>
      )}
      <div className="muted">
        <code>{error.type}</code>
        {error.requestId && (
          <>
            {' '}
            · request id <code data-testid="request-id">{error.requestId}</code>
          </>
        )}
      </div>
    </div>
  );
}

/** Loading, error and empty states in one place, so that every list shows them the same way. */
export function Loaded<T>(props: {
  load: Load<T>;
  empty?: (data: T) => boolean;
  emptyText?: string;
  children: (data: T) => ReactNode;
}): ReactNode {
  const { load } = props;
  if (load.state === 'loading') return <p aria-busy="true">Loading…</p>;
  if (load.state === 'error') return <ProblemView error={load.error} />;
  if (props.empty?.(load.data))
    return <p className="empty">{props.emptyText ?? 'Nothing here.'}</p>;
  return props.children(load.data);
}

/** An in-app link: a real <a href> (middle-click, copy link) that navigates without reloading. */
export function Link(props: { to: string; children: ReactNode; className?: string }): ReactNode {
  return (
    <a
      href={BASE + props.to}
      className={props.className}
      onClick={(event) => {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
        event.preventDefault();
        navigate(props.to);
      }}
    >
      {props.children}
    </a>
  );
}

/** A button that runs an action and shows its outcome or problem beside it. */
export function ActionButton(props: {
  label: string;
  confirm?: string;
  danger?: boolean;
  run: () => Promise<unknown>;
  done?: () => void;
}): ReactNode {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const onClick = async (): Promise<void> => {
    if (props.confirm && !window.confirm(props.confirm)) return;
    setBusy(true);
    setError(null);
    try {
      await props.run();
      props.done?.();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <span className="action">
      <button
        type="button"
        className={props.danger ? 'danger' : ''}
        disabled={busy}
        onClick={() => void onClick()}
      >
        {busy ? '…' : props.label}
      </button>
      {error !== null && <ProblemView error={error} />}
    </span>
  );
}

export function Time({ value }: { value: string | null | undefined }): ReactNode {
  if (!value) return <span className="muted">—</span>;
  return (
    <time dateTime={value}>{new Date(value).toLocaleString('en-GB', { timeZone: 'UTC' })}</time>
  );
}

export function Pager({
  next,
  onNext,
}: {
  next: string | null;
  onNext: (cursor: string) => void;
}): ReactNode {
  if (!next) return null;
  return (
    <button type="button" className="pager" onClick={() => onNext(next)}>
      Next page
    </button>
  );
}

/** A status as a coloured badge: styles.css colours it by the status name itself. */
export function StatusBadge(props: {
  status: string;
  testId?: string;
  /** Text other than the status, when the status only picks the colour. */
  children?: ReactNode;
}): ReactNode {
  return (
    <span className={`badge ${props.status}`} data-testid={props.testId}>
      {props.children ?? props.status}
    </span>
  );
}

export interface Column<T> {
  header: ReactNode;
  cell: (row: T) => ReactNode;
  /** The cells' class, or a function of the row where it flags a value (a failure count). */
  className?: string | ((row: T) => string);
}

/** A table of rows by columns, with scoped headers so that screen readers name each cell. */
export function DataTable<T>(props: {
  columns: readonly Column<T>[];
  rows: readonly T[];
  rowKey: (row: T) => string;
  caption?: string;
}): ReactNode {
  return (
    <table>
      {props.caption && <caption className="visually-hidden">{props.caption}</caption>}
      <thead>
        <tr>
          {props.columns.map((column, i) => (
            <th key={i} scope="col">
              {column.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.rows.map((row) => (
          <tr key={props.rowKey(row)}>
            {props.columns.map((column, i) => (
              <td
                key={i}
                className={
                  typeof column.className === 'function' ? column.className(row) : column.className
                }
              >
                {column.cell(row)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
