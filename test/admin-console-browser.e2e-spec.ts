import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { signUp, type SignedUp } from './support/auth.js';
import { launchChromium } from './support/chromium.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * The admin console in a real Chromium against the real app (api + worker) on the test
 * database: the page built by Vite, served at /admin, driven as an operator would.
 * Screenshots of each page go to test-output/admin/ (gitignored; for CI to keep as artifacts).
 */
jest.setTimeout(120_000);

const SHOTS = join(process.cwd(), 'test-output', 'admin');
let t: TestApp;
let build: string;
let base: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let admin: SignedUp;

beforeAll(async () => {
  build = await mkdtemp(join(tmpdir(), 'admin-console-'));
  await promisify(execFile)(
    'npx',
    ['vite', 'build', '--config', 'admin/vite.config.ts', '--logLevel', 'error'],
    {
      env: { ...process.env, ADMIN_CONSOLE_DIR: build },
    },
  );
  t = await createTestApp({ ADMIN_CONSOLE_DIR: build });
  await t.app.listen(0);
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  // localhost: a secure context over http, so Chromium keeps the console's Secure cookie.
  base = `http://localhost:${port}`;
  await mkdir(SHOTS, { recursive: true });
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  page = await context.newPage();
  // Confirmation dialogs (disable, revoke, broadcast) are accepted, as the operator would.
  page.on('dialog', (dialog) => void dialog.accept());
  admin = await signUp(t, { role: 'admin', email: `ops-${randomUUID()}@example.test` });
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
  await rm(build, { recursive: true, force: true });
});

const shot = (name: string): Promise<Buffer> =>
  page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

async function signInAs(user: SignedUp): Promise<void> {
  await page.goto(`${base}/admin/`);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe('admin console in Chromium', () => {
  it('refuses a non-admin with a clear page', async () => {
    const user = await signUp(t);
    await signInAs(user);
    await page.getByRole('heading', { name: 'Not allowed' }).waitFor();
    await shot('not-allowed');
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'admin_session')).toBeUndefined();
  });

  it('signs an admin in to the overview', async () => {
    await page.goto(`${base}/admin/`);
    await shot('sign-in');
    await signInAs(admin);
    await page.getByRole('heading', { name: 'Readiness' }).waitFor();
    // Keyboard first: the first Tab reaches the skip link, which moves focus to the content.
    await page.keyboard.press('Tab');
    // (Expressions as text: they run in the page, and this file is type-checked without the DOM.)
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement.id')).toBe('main');
    const cookie = (await context.cookies()).find((c) => c.name === 'admin_session');
    expect(cookie).toMatchObject({
      httpOnly: true,
      secure: true,
      sameSite: 'Strict',
      path: '/admin',
    });
    // Nothing of the session is readable by the page's scripts.
    expect(
      await page.evaluate('[document.cookie, localStorage.length, sessionStorage.length]'),
    ).toEqual(['', 0, 0]);
    await page.getByText('PostgreSQL').getByText('ready').waitFor();
    await shot('overview');
  });

  it('finds a user, revokes a session (their token is then refused) and disables them', async () => {
    const target = await signUp(t, { email: `find-me-${randomUUID()}@example.test` });
    await t.asUser(target).get('/api/v1/users/me').expect(200);
    await page.getByRole('link', { name: 'Users', exact: true }).click();
    await page.getByLabel('Email starts with').fill(target.email.slice(0, 20));
    await page.waitForURL(/\/admin\/users\?email=find-me-/);
    await page.getByRole('link', { name: target.email }).click();
    await page.getByRole('heading', { name: target.email }).waitFor();
    await shot('user');

    await page
      .getByRole('button', { name: /^Revoke (?!all sessions)/ })
      .first()
      .click();
    await page.getByText('No live sessions.').waitFor();
    await t.asUser(target).get('/api/v1/users/me').expect(401);

    await page.getByRole('button', { name: 'Disable' }).click();
    await page.getByTestId('user-status').getByText('disabled').waitFor();
    const row = await t.asUser(admin).get(`/api/v1/users/${target.userId}`).expect(200);
    expect(row.body.status).toBe('disabled');
    // The audit trail on the page names the admin as the one who did it.
    await page.getByRole('cell', { name: 'admin' }).first().waitFor();
    await shot('user-disabled');

    await page.setViewportSize({ width: 820, height: 1180 });
    await page.getByRole('link', { name: 'Users', exact: true }).click();
    await page.getByRole('table').waitFor();
    await shot('users-tablet');
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  it('deletes a user after a confirmation, with an audit entry naming the admin', async () => {
    const doomed = await signUp(t);
    await page.goto(`${base}/admin/users/${doomed.userId}`);
    await page.getByRole('button', { name: 'Delete account' }).click();
    await page.waitForURL(`${base}/admin/users`);
    await t.asUser(admin).get(`/api/v1/users/${doomed.userId}`).expect(404);
    const events = await t
      .asUser(admin)
      .get(`/api/v1/users/${doomed.userId}/auth-events`)
      .expect(200);
    expect(events.body.data[0]).toMatchObject({ actorId: admin.userId });
  });

  it('refunds a sandbox payment and shows the timeline move', async () => {
    const customer = await signUp(t);
    const created = await t
      .asUser(customer)
      .post('/api/v1/payments')
      .set('Idempotency-Key', randomUUID())
      .send({ amount: 2500, currency: 'eur', description: 'Console order' })
      .expect(201);
    const id = created.body.id as string;
    await t
      .asUser(customer)
      .post(`/api/v1/payments/${id}/confirm`)
      .set('Idempotency-Key', randomUUID())
      .send({ paymentMethod: 'pm_card_visa' })
      .expect(200);

    await page.goto(`${base}/admin/payments?userId=${customer.userId}`);
    await page.getByRole('link', { name: '25.00 EUR' }).click();
    await page.getByTestId('payment-status').getByText('succeeded').waitFor();
    await page.getByTestId('timeline').getByText('succeeded').waitFor();
    // More than was paid: the API's 409 problem is shown with the request id to quote.
    await page.getByLabel(/Amount \(EUR/).fill('100.00');
    await page.getByRole('button', { name: 'Refund', exact: true }).click();
    await page
      .getByRole('alert')
      .getByText(/refund-exceeds-remaining/)
      .waitFor();
    expect(await page.getByTestId('request-id').textContent()).toMatch(/^[0-9a-f-]{36}$/);
    await page.getByLabel(/Amount \(EUR/).fill('10.00');
    await page.getByRole('button', { name: 'Refund', exact: true }).click();
    await page.getByTestId('timeline').getByText('partially_refunded').waitFor();
    await page.getByTestId('amount-refunded').getByText('10.00 EUR').waitFor();
    await shot('payment');
    const refunds = await t.asUser(admin).get(`/api/v1/payments/${id}/history`).expect(200);
    expect(refunds.body.refunds).toEqual([expect.objectContaining({ amount: 1000 })]);
  });

  it('sends a broadcast and shows it complete; lists the catalogue', async () => {
    await page.getByRole('link', { name: 'Notifications' }).click();
    await page.getByLabel('Title').fill('Maintenance tonight');
    await page.getByLabel('Message').fill('The service pauses at 23:00 UTC for ten minutes.');
    await page.getByLabel('Send to').selectOption('admin');
    await page.getByRole('button', { name: 'Send broadcast' }).click();
    await page.getByTestId('broadcast-status').getByText('completed').waitFor({ timeout: 30_000 });
    await page
      .getByRole('region', { name: 'Catalogue' })
      .getByRole('cell', { name: 'payments.refunded' })
      .waitFor();
    await shot('notifications');
  });

  it('opens the queue dashboard behind the same session', async () => {
    await page.getByRole('link', { name: 'Queues' }).click();
    await shot('queues');
    await page.getByRole('button', { name: 'Open the queue dashboard' }).click();
    await page.waitForURL(`${base}/admin/queues`);
    await page.getByText('notifications', { exact: false }).first().waitFor();
    await shot('queue-dashboard');
  });

  it('refuses a write without the CSRF token, and logout ends the session', async () => {
    await page.goto(`${base}/admin/`);
    await page.getByRole('heading', { name: 'Readiness' }).waitFor();
    const status = await page.evaluate(async (userId) => {
      const res = await fetch(`/admin/api/v1/users/${userId}`, {
        method: 'PATCH',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ role: 'user' }),
      });
      return [res.status, ((await res.json()) as { type: string }).type];
    }, admin.userId);
    expect(status).toEqual([403, 'urn:problem:csrf-token-invalid']);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    const after = await page.evaluate(async () => (await fetch('/admin/api/session')).status);
    expect(after).toBe(401);
    const sessions = await t.asUser(admin).get('/api/v1/auth/sessions').expect(200);
    expect(sessions.body.data.map((s: { deviceName: string }) => s.deviceName)).not.toContain(
      'Admin console',
    );
  });
});
