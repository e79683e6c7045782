/**
 * The storage floor for queue-drain: bare Bull, as bull-noop.ts, whose processor only stores what
 * the app stores per `notifications.requested` job: one notification and its three deliveries
 * (in-app sent, email and push skipped), the jobs that arrive together in one statement, with
 * `pg` and no framework. None of the app's other work: no contact or preference reads, no
 * rendering, no unread counts, no real-time events. What it cannot reach, the app cannot either.
 * Env: REDIS_URL QUEUE_PREFIX CONCURRENCY DATABASE_URL.
 */
import Bull from 'bull';
import pg from 'pg';

interface Payload {
  userId: string;
  idempotencyKey: string;
  data: { title: string; body: string };
}

const STORE_SQL = `
  WITH n AS (
    INSERT INTO notifications (user_id, type, category, idempotency_key, title, body, data, inbox)
    SELECT user_id, 'announcement', 'marketing', idempotency_key, data->>'title', data->>'body',
           data, true
      FROM jsonb_to_recordset($1::jsonb) AS r(user_id uuid, idempotency_key text, data jsonb)
    ON CONFLICT (user_id, idempotency_key) DO NOTHING
    RETURNING id
  )
  INSERT INTO notification_deliveries (notification_id, channel, status, scheduled_at, sent_at)
  SELECT n.id, c.channel, c.status, now(), CASE WHEN c.status = 'sent' THEN now() END
    FROM n CROSS JOIN (VALUES ('in_app', 'sent'), ('email', 'skipped'), ('push', 'skipped'))
         AS c(channel, status)`;

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
let pending: Array<{ payload: Payload; done: (error?: Error) => void }> = [];

/** Everything queued since the last turn of the event loop, in one statement. */
function flush(): void {
  const batch = pending;
  pending = [];
  const rows = batch.map(({ payload: p }) => ({
    user_id: p.userId,
    idempotency_key: p.idempotencyKey,
    data: p.data,
  }));
  pool.query(STORE_SQL, [JSON.stringify(rows)]).then(
    () => batch.forEach((b) => b.done()),
    (error: Error) => batch.forEach((b) => b.done(error)),
  );
}

const queue = new Bull('outbox', process.env.REDIS_URL as string, {
  prefix: process.env.QUEUE_PREFIX,
  redis: { maxRetriesPerRequest: null, enableReadyCheck: false },
});
void queue.process(
  'deliver',
  Number(process.env.CONCURRENCY ?? 10),
  (job: Bull.Job<{ payload: Payload }>) =>
    new Promise<void>((resolve, reject) => {
      if (pending.length === 0) setImmediate(flush);
      pending.push({
        payload: job.data.payload,
        done: (error) => (error ? reject(error) : resolve()),
      });
    }),
);
process.stdout.write('ready\n');
const stop = () => void Promise.all([queue.close(), pool.end()]).finally(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
