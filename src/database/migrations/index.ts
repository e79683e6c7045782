import { Outbox1763715600000 } from './1763715600000-outbox.js';
import { Users1763715700000 } from './1763715700000-users.js';

/**
 * Every migration, oldest first. The app and the tests run this list; the TypeORM CLI
 * (ormconfig.ts) finds the same files by glob. Add new migrations at the end.
 */
export const migrations = [Outbox1763715600000, Users1763715700000];
