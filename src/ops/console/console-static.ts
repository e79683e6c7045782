import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { AppConfig } from '../../config/index.js';

/**
 * The console page's policy: only our own scripts, styles and API, no inline code, no framing,
 * no plugins. Vite emits external hashed files only, so nothing needs 'unsafe-inline'.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const ASSETS = '/admin/assets';
const ONE_YEAR_SECONDS = 365 * 24 * 3600;

/**
 * The built single-page app at /admin: hashed files under /admin/assets cached for a year
 * (`immutable`: a new build has new names), `index.html` never cached (it names the current
 * build's assets), and every console URL that is not a file or the API answers index.html so
 * shared links reload into the right page. Without a build, /admin says how to make one.
 */
export function mountConsoleApp(app: INestApplication, config: AppConfig): void {
  const dir = resolve(config.console.dir);
  const index = resolve(dir, 'index.html');
  app.use('/admin', (req: Request, res: Response, next: NextFunction) => {
    if (isApiOrDashboard(req.path)) return next();
    res.setHeader('Content-Security-Policy', CONSOLE_CSP);
    next();
  });
  app.use(
    ASSETS,
    express.static(resolve(dir, 'assets'), {
      index: false,
      fallthrough: true,
      setHeaders: (res) =>
        res.setHeader('Cache-Control', `public, max-age=${ONE_YEAR_SECONDS}, immutable`),
    }),
  );
  app.use('/admin', (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (isApiOrDashboard(req.path) || req.originalUrl.startsWith(`${ASSETS}/`)) return next();
    res.setHeader('Cache-Control', 'no-cache, no-store, must-revalidate');
    if (!existsSync(index)) {
      res.status(503).type('text/plain').send('The console is not built: run `npm run build`.');
      return;
    }
    res.sendFile(index);
  });
}

/** Paths under /admin that belong to the session API and bull-board, not to the page. */
function isApiOrDashboard(path: string): boolean {
  return /^\/(api|queues)(\/|$)/.test(path);
}
