import type { INestApplication } from '@nestjs/common';
import type { Centrifuge } from 'centrifuge';
import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { StreamingTokens } from '../../lib/index.js';
import { createSampleApp } from '../../sample/app.js';
import { loadConfig } from '../../sample/config.js';
import { tokenFromArgs } from '../../sample/tokens.js';
import { collect, connectedClient, sdkClient, subscribed } from '../support/centrifuge-client.js';

const CHROMIUM = '/usr/bin/chromium';
const UI_MS = 10_000;
const PASSWORD = 'an operator password for tests';
/** Screenshots of the dashboard, for a person to look at after a run. */
const SHOTS = 'reports/screenshots';

/** The sample's dashboard at /admin in a real browser, against an SDK client of the same node. */
describe('admin dashboard in a real browser', () => {
  let app: INestApplication;
  let base: string;
  let wsUrl: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[];
  const clients: Centrifuge[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} not found: the browser tests need Chromium; install it with \`apt-get install chromium\``);
    }
    mkdirSync(SHOTS, { recursive: true });
    app = await createSampleApp(loadConfig({ STREAMING_ADMIN_PASSWORD: PASSWORD }), { logger: process.env.TEST_LOGS ? undefined : false });
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    base = `http://127.0.0.1:${port}`;
    wsUrl = `ws://127.0.0.1:${port}/connection/websocket`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });

  beforeEach(async () => {
    pageErrors = [];
    context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('dialog', (dialog) => void dialog.accept());
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    await context?.close();
    expect(pageErrors).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function client(user: string): Promise<Centrifuge> {
    const c = sdkClient(wsUrl, { token: await tokenFromArgs([user], app.get(StreamingTokens)) });
    clients.push(c);
    return connectedClient(c);
  }

  async function logIn(password = PASSWORD): Promise<void> {
    await page.goto(`${base}/admin`);
    await page.locator('#password').fill(password);
    await page.locator('#login button[type=submit]').click();
  }

  it('refuses a wrong password with a message, then lets the operator in', async () => {
    await logIn('not the password');
    await page.locator('#error-text', { hasText: 'wrong password' }).waitFor({ timeout: UI_MS });
    await page.locator('#password').fill(PASSWORD);
    await page.locator('#login button[type=submit]').click();
    await page.locator('#dashboard').waitFor({ timeout: UI_MS });
    expect(await page.locator('#error').isHidden()).toBe(true);
    await page.reload();
    await page.locator('#dashboard').waitFor({ timeout: UI_MS });
  });

  it('sees a connected client, publishes to it from the page, tails the channel and disconnects the user', async () => {
    const alice = await client('alice');
    const sub = await subscribed(alice, 'chat:ops');
    await logIn();
    const row = page.locator('#connections tr', { hasText: 'alice' });
    await row.waitFor({ timeout: UI_MS });
    await page.locator('#channels tr[data-channel="chat:ops"]').waitFor({ timeout: UI_MS });
    expect(await page.locator('#nodes tr[data-node]').count()).toBe(1);

    await page.locator('#channels tr[data-channel="chat:ops"] button', { hasText: 'Tail' }).click();
    await page.locator('#tail-box[data-ready="true"]').waitFor({ timeout: UI_MS });

    const got = collect<any>(sub, 'publication', 1, UI_MS);
    await page.locator('#publish-channel').fill('chat:ops');
    await page.locator('#publish-data').fill('{"text":"hello from the dashboard"}');
    await page.locator('#publish button[type=submit]').click();
    expect((await got)[0].data).toEqual({ text: 'hello from the dashboard' });
    await page.locator('#tail li', { hasText: 'hello from the dashboard' }).waitFor({ timeout: UI_MS });
    await page.locator('#publish-result', { hasText: 'published' }).waitFor({ timeout: UI_MS });

    await page.locator('#channels tr[data-channel="chat:ops"] button', { hasText: 'Presence' }).click();
    await page.locator('#presence li', { hasText: 'alice' }).waitFor({ timeout: UI_MS });
    await page.screenshot({ path: `${SHOTS}/admin-dashboard.png`, fullPage: true });

    const disconnected = new Promise<{ code: number }>((resolve) => alice.once('disconnected', resolve));
    await row.locator('button', { hasText: 'Disconnect user' }).click();
    expect((await disconnected).code).toBe(3503);
    await row.waitFor({ state: 'detached', timeout: UI_MS });
  });

  it('shows an API refusal and clears it when dismissed, and fits a phone', async () => {
    await page.setViewportSize({ width: 390, height: 800 });
    await logIn();
    await page.locator('#dashboard').waitFor({ timeout: UI_MS });
    await page.locator('#publish-channel').fill('nonamespace:x');
    await page.locator('#publish button[type=submit]').click();
    await page.locator('#error-text', { hasText: 'publish' }).waitFor({ timeout: UI_MS });
    await page.screenshot({ path: `${SHOTS}/admin-phone.png`, fullPage: true });
    await page.locator('#error-close').click();
    expect(await page.locator('#error').isHidden()).toBe(true);
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
  });
});
