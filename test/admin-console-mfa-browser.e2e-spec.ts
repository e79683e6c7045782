import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { generate } from 'otplib';
import type { Browser, Page } from 'playwright-core';
import { encode } from 'uqr';
import { modulesPath } from '../admin/src/qr-path.js';
import { ManualClock } from '../src/common/clock.js';
import { signUp, type SignedUp } from './support/auth.js';
import { launchChromium } from './support/chromium.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * The console with ADMIN_MFA_REQUIRED on (the production default), in a real Chromium: the
 * first admin has no second factor, so the console sets one up before anything else. The test
 * is the operator's authenticator app: it computes codes with otplib from the secret the page
 * shows, at the time of the app's clock (moved a 30-second step between codes, since each code
 * is accepted once). Screenshots go to test-output/admin/.
 */
jest.setTimeout(120_000);

const SHOTS = join(process.cwd(), 'test-output', 'admin');
const STEP_MS = 30_000;
const clock = new ManualClock(new Date());
let t: TestApp;
let build: string;
let base: string;
let browser: Browser;
let page: Page;
let admin: SignedUp;

/** What the authenticator app shows now; the clock then moves on to the next code. */
async function appCode(secret: string): Promise<string> {
  const code = await generate({ secret, epoch: Math.floor(clock.now().getTime() / 1000) });
  clock.advance(STEP_MS);
  return code;
}

beforeAll(async () => {
  build = await mkdtemp(join(tmpdir(), 'admin-console-mfa-'));
  await promisify(execFile)(
    'npx',
    ['vite', 'build', '--config', 'admin/vite.config.ts', '--logLevel', 'error'],
    { env: { ...process.env, ADMIN_CONSOLE_DIR: build } },
  );
  t = await createTestApp({ ADMIN_CONSOLE_DIR: build, ADMIN_MFA_REQUIRED: 'true' }, { clock });
  await t.app.listen(0);
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  base = `http://localhost:${port}`;
  await mkdir(SHOTS, { recursive: true });
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  page = await context.newPage();
  admin = await signUp(t, { role: 'admin', email: `first-admin-${randomUUID()}@example.test` });
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
  await rm(build, { recursive: true, force: true });
});

const shot = (name: string): Promise<Buffer> =>
  page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

async function signInWithPassword(): Promise<void> {
  await page.goto(`${base}/admin/`);
  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe('admin console with ADMIN_MFA_REQUIRED', () => {
  let secret: string;

  it('sets up an authenticator app for an admin without one, then opens the overview', async () => {
    // Over the API, this admin's session is refused by every admin route.
    const blocked = await t.asUser(admin).get('/api/v1/users').expect(403);
    expect(blocked.body.type).toBe('urn:problem:mfa-enrolment-required');

    await signInWithPassword();
    await page.getByRole('heading', { name: 'Set up two-step sign-in' }).waitFor();
    secret = (await page.getByTestId('totp-secret').textContent())?.trim() ?? '';
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    const uri = await page.getByTestId('otpauth-uri').textContent();
    expect(uri).toContain(`secret=${secret}`);
    // The QR code on the page is the otpauth:// address, module for module.
    const drawn = await page
      .getByRole('img', { name: 'QR code to scan with the authenticator app' })
      .locator('path')
      .getAttribute('d');
    expect(drawn).toBe(modulesPath(encode(uri ?? '', { ecc: 'M', border: 4 }).data));
    await shot('mfa-setup');

    // A wrong code is refused with the API's problem; nothing is turned on.
    await page.getByLabel('Code from the app').fill('000000');
    await page.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
    await page
      .getByRole('alert')
      .getByText(/invalid-mfa-code/)
      .waitFor();

    await page.getByLabel('Code from the app').fill(await appCode(secret));
    await page.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
    const codes = page.getByTestId('recovery-codes').getByRole('listitem');
    await codes.first().waitFor();
    expect(await codes.count()).toBe(10);
    await shot('mfa-recovery-codes');

    await page.getByRole('button', { name: 'I have saved them: continue' }).click();
    // The same console session now passes the admin routes: no second sign-in was needed.
    await page.getByText('PostgreSQL').getByText('ready').waitFor();
    await page.getByRole('link', { name: 'Users', exact: true }).click();
    await page.getByRole('table').getByText(admin.email).waitFor();
    const status = await page.evaluate(async () => (await fetch('/admin/api/session')).json());
    expect(status).toMatchObject({ mfaEnrolmentRequired: false });
  });

  it('signs in again with the password and a code from the app', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signInWithPassword();
    await page.getByLabel('Authentication code').fill(await appCode(secret));
    await shot('mfa-sign-in-code');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByText('PostgreSQL').getByText('ready').waitFor();
    await shot('mfa-overview');
  });

  it('refuses to confirm an enrolment without the CSRF token', async () => {
    const status = await page.evaluate(async () => {
      const res = await fetch('/admin/api/session/mfa', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ code: '123456' }),
      });
      return [res.status, ((await res.json()) as { type: string }).type];
    });
    expect(status).toEqual([403, 'urn:problem:csrf-token-invalid']);
  });
});
