import 'reflect-metadata';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { PasswordHasher } from '../src/auth/domain/password-hasher.js';
import { AuthEvent } from '../src/auth/entities/auth-event.entity.js';
import { ensureAdmin } from '../src/auth/initial-admin/initial-admin.js';
import { ConfigError, loadConfigFromEnv } from '../src/config/index.js';
import { cliDatabaseUrl } from '../src/database/cli-database-url.js';
import { baseDataSourceOptions } from '../src/database/data-source-options.js';
import { User } from '../src/users/entities/user.entity.js';

/**
 * npm run user:create-admin -- --email ada@example.com [--name "Ada"] [--password-stdin]
 *
 * Creates an admin account (the password is asked for, or read from stdin, never taken from
 * the command line where `ps` would show it), or promotes an existing account to admin.
 * Uses DATABASE_URL, or the embedded PostgreSQL of a running `npm start`.
 */
const USAGE =
  'usage: npm run user:create-admin -- --email <address> [--name <display name>] [--password-stdin]';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      'password-stdin': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || !values.email) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const config = loadConfigFromEnv();
  const db = new DataSource({
    ...baseDataSourceOptions(cliDatabaseUrl(config), 2, config.database.migrationTls),
    entities: [User, AuthEvent],
  });
  await db.initialize();
  try {
    const hasher = new PasswordHasher(config.auth.argon2);
    const email = values.email;
    const exists = await db
      .getRepository(User)
      .createQueryBuilder('u')
      .where('lower(u.email) = lower(:email) AND u.deleted_at IS NULL', { email })
      .getExists();
    const password = exists ? undefined : await readPassword(values['password-stdin']);
    const outcome = await db.transaction((manager) =>
      ensureAdmin(
        manager,
        hasher,
        { email, password, displayName: values.name },
        {
          onlyIfEmpty: false,
          now: new Date(),
        },
      ),
    );
    const messages = {
      created: `created admin ${email}`,
      promoted: `promoted ${email} to admin (its sessions keep their old role until they refresh)`,
      already_admin: `${email} is already an admin`,
      skipped_not_empty: 'nothing done',
    } as const;
    console.log(messages[outcome]);
    return 0;
  } finally {
    await db.destroy();
  }
}

async function readPassword(fromStdin: boolean): Promise<string> {
  const rl = createInterface({
    input: process.stdin,
    output: process.stderr,
    terminal: !fromStdin,
  });
  try {
    if (fromStdin) {
      for await (const line of rl) return line;
      throw new Error('no password on stdin');
    }
    return await rl.question('Password for the new admin (12+ characters): ');
  } finally {
    rl.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError || error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
