import type { ReactNode } from 'react';
import { api, must } from '../api.js';
import { readFilters, withCursor, withFilter } from '../query.js';
import { navigate, useLocation, useTitle } from '../router.js';
import { Link, Loaded, Pager, Time, useLoad } from '../ui.js';

const FILTERS = ['email', 'role', 'status', 'cursor'] as const;
type Role = 'user' | 'admin';
type Status = 'active' | 'disabled';

export function UsersPage(): ReactNode {
  useTitle('Users');
  const { query } = useLocation();
  const filters = readFilters(query, FILTERS);
  const [load] = useLoad(
    () =>
      must(
        api.GET('/api/v1/users', {
          params: {
            query: {
              email: filters.email,
              role: filters.role as Role | undefined,
              status: filters.status as Status | undefined,
              cursor: filters.cursor,
              limit: 25,
            },
          },
        }),
      ),
    JSON.stringify(filters),
  );
  const set = (key: string, value: string): void =>
    navigate(`/users${withFilter(query, key, value)}`);

  return (
    <>
      <h1>Users</h1>
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          Email starts with
          <input
            type="search"
            name="email"
            defaultValue={filters.email ?? ''}
            onChange={(e) => set('email', e.currentTarget.value)}
          />
        </label>
        <label>
          Role
          <select value={filters.role ?? ''} onChange={(e) => set('role', e.currentTarget.value)}>
            <option value="">Any</option>
            <option value="user">user</option>
            <option value="admin">admin</option>
          </select>
        </label>
        <label>
          Status
          <select
            value={filters.status ?? ''}
            onChange={(e) => set('status', e.currentTarget.value)}
          >
            <option value="">Any</option>
            <option value="active">active</option>
            <option value="disabled">disabled</option>
          </select>
        </label>
      </form>
      <Loaded
        load={load}
        empty={(page) => page.data.length === 0}
        emptyText="No user matches these filters."
      >
        {(page) => (
          <>
            <table>
              <caption className="visually-hidden">Users, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Email</th>
                  <th scope="col">Name</th>
                  <th scope="col">Role</th>
                  <th scope="col">Status</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {page.data.map((user) => (
                  <tr key={user.id}>
                    <td>
                      <Link to={`/users/${user.id}`}>{user.email}</Link>
                    </td>
                    <td>{user.displayName}</td>
                    <td>{user.role}</td>
                    <td>
                      <span className={`badge ${user.status}`}>{user.status}</span>
                    </td>
                    <td>
                      <Time value={user.createdAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager
              next={page.nextCursor}
              onNext={(c) => navigate(`/users${withCursor(query, c)}`)}
            />
          </>
        )}
      </Loaded>
    </>
  );
}
