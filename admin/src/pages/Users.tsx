import type { ReactNode } from 'react';
import { api, must } from '../api.js';
import { FilterBar, PagedTable, SelectFilter, TextFilter, usePagedList } from '../list.js';
import { useTitle } from '../router.js';
import { Link, StatusBadge, Time } from '../ui.js';

const ROLES = ['user', 'admin'] as const;
const STATUSES = ['active', 'disabled'] as const;
type Role = (typeof ROLES)[number];
type Status = (typeof STATUSES)[number];

export function UsersPage(): ReactNode {
  useTitle('Users');
  const list = usePagedList('/users', ['email', 'role', 'status'], (f) =>
    must(
      api.GET('/api/v1/users', {
        params: {
          query: {
            email: f.email,
            role: f.role as Role | undefined,
            status: f.status as Status | undefined,
            cursor: f.cursor,
            limit: 25,
          },
        },
      }),
    ),
  );

  return (
    <>
      <h1>Users</h1>
      <FilterBar>
        <TextFilter
          label="Email starts with"
          type="search"
          filter="email"
          applyOn="change"
          list={list}
        />
        <SelectFilter label="Role" filter="role" options={ROLES} list={list} />
        <SelectFilter label="Status" filter="status" options={STATUSES} list={list} />
      </FilterBar>
      <PagedTable
        load={list.load}
        caption="Users, newest first"
        emptyText="No user matches these filters."
        rowKey={(user) => user.id}
        onNext={list.nextPage}
        columns={[
          { header: 'Email', cell: (user) => <Link to={`/users/${user.id}`}>{user.email}</Link> },
          { header: 'Name', cell: (user) => user.displayName },
          { header: 'Role', cell: (user) => user.role },
          { header: 'Status', cell: (user) => <StatusBadge status={user.status} /> },
          { header: 'Created', cell: (user) => <Time value={user.createdAt} /> },
        ]}
      />
    </>
  );
}
