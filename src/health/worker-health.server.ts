import { createServer, type Server } from 'node:http';
import { getQueueToken } from '@nestjs/bull';
import type { INestApplicationContext } from '@nestjs/common';
import type { Queue } from 'bull';
import { DataSource } from 'typeorm';
import { withTimeout } from '../common/with-timeout.js';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { serveMetrics } from '../metrics/metrics-endpoint.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { QUEUES } from '../queue/queues.js';

const TIMEOUT_MS = 1500;

/**
 * The worker has no HTTP API; orchestrators still need to know it is alive and connected.
 * A bare node:http server answers /health/live and /health/ready (PostgreSQL and Redis), and
 * /metrics (queue depths, job durations and outcomes, process) for Prometheus, behind
 * METRICS_TOKEN when one is set.
 */
export function startWorkerHealthServer(
  app: INestApplicationContext,
  port: number,
): Promise<Server> {
  const dataSource = app.get(DataSource);
  const queue = app.get<Queue>(getQueueToken(QUEUES.outbox.name), { strict: false });
  const { registry } = app.get(MetricsService, { strict: false });
  const { token } = app.get<AppConfig>(APP_CONFIG, { strict: false }).metrics;
  const server = createServer((req, res) => {
    if (serveMetrics(registry, token, req, res)) return;
    const reply = (status: number, body: object) => {
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    };
    if (req.url === '/health/live') return reply(200, { status: 'ok' });
    if (req.url !== '/health/ready') return reply(404, { status: 'not_found' });
    void Promise.all([
      check(() => dataSource.query('SELECT 1')),
      check(async () => {
        if (queue.client.status !== 'ready') throw new Error(queue.client.status);
        await queue.client.ping();
      }),
    ]).then(([database, redis]) => {
      const up = database === 'up' && redis === 'up';
      reply(up ? 200 : 503, { status: up ? 'ok' : 'error', details: { database, redis } });
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve(server));
  });
}

async function check(fn: () => Promise<unknown>): Promise<'up' | 'down'> {
  try {
    await withTimeout(fn(), TIMEOUT_MS, 'health check');
    return 'up';
  } catch {
    return 'down';
  }
}
