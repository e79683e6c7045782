import type { ReactNode } from 'react';
import { readFilters, withCursor, withFilter, type Filters } from './query.js';
import { navigate, useLocation } from './router.js';
import { DataTable, Link, Loaded, Pager, useLoad, type Column, type Load } from './ui.js';

/** One page of a cursor-paged list endpoint. */
export interface Paged<T> {
  data: T[];
  nextCursor: string | null;
}

export interface FilterState {
  filters: Filters;
  setFilter: (key: string, value: string) => void;
}

export interface PagedList<P> extends FilterState {
  load: Load<P>;
  reload: () => void;
  nextPage: (cursor: string) => void;
}

/**
 * A list whose filters and cursor live in the query string of `path`, so that a filtered page
 * is a shareable link and the back button steps through filters and pages.
 */
export function usePagedList<P>(
  path: string,
  keys: readonly string[],
  fetcher: (filters: Filters) => Promise<P>,
): PagedList<P> {
  const { query } = useLocation();
  const filters = readFilters(query, [...keys, 'cursor']);
  const [load, reload] = useLoad(() => fetcher(filters), JSON.stringify(filters));
  return {
    filters,
    load,
    reload,
    setFilter: (key, value) => navigate(`${path}${withFilter(query, key, value)}`),
    nextPage: (cursor) => navigate(`${path}${withCursor(query, cursor)}`),
  };
}

/** Filters apply as they change (no submit button): Enter must not reload the page. */
export function FilterBar({ children }: { children: ReactNode }): ReactNode {
  return (
    <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
      {children}
    </form>
  );
}

/** A choice among `options` for the query-string key `filter`; "Any" removes it. */
export function SelectFilter(props: {
  label: string;
  filter: string;
  options: readonly string[];
  list: FilterState;
}): ReactNode {
  const { filters, setFilter } = props.list;
  return (
    <label>
      {props.label}
      <select
        value={filters[props.filter] ?? ''}
        onChange={(e) => setFilter(props.filter, e.currentTarget.value)}
      >
        <option value="">Any</option>
        {props.options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    </label>
  );
}

/**
 * A free-text filter, uncontrolled so that typing is not reset by the navigation it causes.
 * `applyOn: 'blur'` for values only useful whole (an id); 'change' filters as the operator types.
 */
export function TextFilter(props: {
  label: string;
  filter: string;
  applyOn: 'change' | 'blur';
  list: FilterState;
  type?: 'search';
  placeholder?: string;
}): ReactNode {
  const { filters, setFilter } = props.list;
  const apply = (e: { currentTarget: HTMLInputElement }): void =>
    setFilter(props.filter, e.currentTarget.value);
  return (
    <label>
      {props.label}
      <input
        type={props.type}
        name={props.filter}
        defaultValue={filters[props.filter] ?? ''}
        placeholder={props.placeholder}
        onChange={props.applyOn === 'change' ? apply : undefined}
        onBlur={props.applyOn === 'blur' ? apply : undefined}
      />
    </label>
  );
}

/** The user a row belongs to: payments and deliveries are both filtered by it. */
export function UserIdFilter({ list }: { list: FilterState }): ReactNode {
  return (
    <TextFilter label="User id" filter="userId" placeholder="uuid" applyOn="blur" list={list} />
  );
}

/** A column linking to the row's user, by the first characters of the id (enough to tell apart). */
export function userColumn<T extends { userId: string }>(): Column<T> {
  return {
    header: 'User',
    cell: (row) => <Link to={`/users/${row.userId}`}>{row.userId.slice(0, 8)}</Link>,
  };
}

/** A page of a list with its loading, error and empty states and the next-page button. */
export function PagedTable<T>(props: {
  load: Load<Paged<T>>;
  columns: readonly Column<T>[];
  rowKey: (row: T) => string;
  emptyText: string;
  caption?: string;
  onNext: (cursor: string) => void;
}): ReactNode {
  return (
    <Loaded load={props.load} empty={(page) => page.data.length === 0} emptyText={props.emptyText}>
      {(page) => (
        <>
          <DataTable
            columns={props.columns}
            rows={page.data}
            rowKey={props.rowKey}
            caption={props.caption}
          />
          <Pager next={page.nextCursor} onNext={props.onNext} />
        </>
      )}
    </Loaded>
  );
}
