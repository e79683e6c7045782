// Runs in every e2e test file before it loads. Each jest worker gets its own key prefix, so
// suites running in parallel never take each other's Bull jobs.
process.env.NODE_ENV = 'test';
process.env.QUEUE_PREFIX = `${process.env.QUEUE_PREFIX}-w${process.env.JEST_WORKER_ID ?? '1'}`;
process.env.LOG_LEVEL ??= 'warn';
process.env.DB_MIGRATE_ON_BOOT = 'false';
process.env.OUTBOX_POLL_MS ??= '25';
// Every test request comes from 127.0.0.1: per-IP limits scaled up so suites don't share one
// budget (tests of the per-IP limit set it back to 1).
process.env.AUTH_IP_LIMIT_MULTIPLIER ??= '100';
