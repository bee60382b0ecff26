import type { INestApplication } from '@nestjs/common';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { StreamingManager } from '../lib/index.js';
import { createSampleApp } from '../sample/app.js';
import { loadConfig } from '../sample/config.js';
import { until } from './support/wait.js';

const CHROMIUM = '/usr/bin/chromium';
/** Waits on the page: generous, so a loaded machine does not fail what an idle one passes. */
const UI_MS = 10_000;
/**
 * A whole test: a dozen steps, each a page action and a wait of up to UI_MS. Under CI's extra CPU
 * load one step can take seconds, and a 30 s budget failed a test whose every step passed; a hang
 * still fails at its step, after UI_MS.
 */
const TEST_MS = 120_000;

describe('sample chat page in a real browser', () => {
  let app: INestApplication;
  let url: string;
  let browser: Browser;
  /** The contexts a test opened (closed after it, so no test sees another's users) and its pages' JavaScript errors. */
  let contexts: BrowserContext[] = [];
  let pageErrors: string[] = [];

  beforeAll(async () => {
    // A missing browser is a broken setup, not a reason to pass quietly.
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} not found: the browser tests need Chromium; install it with \`apt-get install chromium\``);
    }
    app = await createSampleApp(loadConfig({}), { logger: process.env.TEST_LOGS ? undefined : false });
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });

  beforeEach(() => {
    contexts = [];
    pageErrors = [];
  });

  afterEach(async () => {
    await Promise.all(contexts.map((context) => context.close()));
    // The next test starts on a server that has seen every page of this one go (presence, join/leave).
    const streaming = app.get(StreamingManager);
    await until(() => streaming.stats().numClients === 0, 'the closed pages are disconnected', UI_MS);
    expect(pageErrors).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /**
   * A fresh browser context (its own storage) with the page open and joined as `name`; `prepare`
   * runs before the page loads (to block a transport).
   */
  async function joined(name: string, prepare?: (page: Page) => Promise<void>): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 900, height: 640 } });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(`${name}'s page: ${err.message}`));
    await prepare?.(page);
    await page.goto(url);
    await page.fill('#name', name);
    await page.click('#join');
    await page.locator('#status', { hasText: new RegExp(`^connected as ${name}$`) }).waitFor();
    await page.locator('#text:enabled').waitFor();
    return page;
  }

  /** Messages of the room on screen. */
  const shown = (page: Page, text: string) => page.locator('#messages ol:not([hidden]) li').filter({ has: page.locator('.text', { hasText: text }) });

  /**
   * Sends from the room on screen and waits until the page has cleared its composer (the server
   * took the message): a next step typed sooner could be wiped by that clearing.
   */
  async function send(page: Page, text: string): Promise<void> {
    await page.locator('#text:enabled').waitFor();
    await page.fill('#text', text);
    await page.click('#send:enabled');
    await page.waitForFunction("document.getElementById('text').value === ''", undefined, { timeout: UI_MS });
  }

  /** Opens the direct room with `user` and waits until it is the room on screen. */
  async function openDirect(page: Page, user: string): Promise<void> {
    await page.fill('#dm-name', user);
    await page.click('#dm-open');
    await page.locator('#room-title', { hasText: `@ ${user}` }).waitFor({ timeout: UI_MS });
  }

  /** Waits until the page's online list is exactly `users`. */
  function onlineUsers(page: Page, users: string[]): Promise<unknown> {
    const list = "[...document.querySelectorAll('#online li')].map((li) => li.dataset.user).join(',')";
    return page.waitForFunction(`${list} === ${JSON.stringify(users.join(','))}`, undefined, { timeout: UI_MS });
  }

  /** The text of a message on screen, as its author wrote it. */
  const messageText = (page: Page, text: string) => shown(page, text).locator('.text');

  it('carries a message from alice to bob, shows who is online, and gives late joiners the history', async () => {
    const alice = await joined('alice');
    const bob = await joined('bob');

    await send(alice, 'hello bob');
    await shown(bob, 'hello bob').waitFor({ timeout: UI_MS });
    const last = bob.locator('#messages ol:not([hidden]) li').last();
    expect(await last.locator('strong').textContent()).toBe('alice');
    expect(await last.locator('.text').textContent()).toBe('hello bob');
    expect(await alice.locator('#messages li.mine', { hasText: 'hello bob' }).count()).toBe(1);
    expect(await bob.locator('#messages li.mine', { hasText: 'hello bob' }).count()).toBe(0);
    expect(await alice.inputValue('#text')).toBe('');

    await onlineUsers(alice, ['alice', 'bob']);
    await onlineUsers(bob, ['alice', 'bob']);

    // A late joiner gets the conversation from history, and everyone sees the newcomer.
    const carol = await joined('carol');
    await shown(carol, 'hello bob').waitFor({ timeout: UI_MS });
    await onlineUsers(bob, ['alice', 'bob', 'carol']);
    await bob.screenshot({ path: '/tmp/sample.png' });
  }, TEST_MS);

  it('joins the private team room with a subscription token, and opens direct messages on both sides', async () => {
    const dave = await joined('dave');
    const erin = await joined('erin');

    // team:core asks the app for a subscription token; both get in and talk there.
    for (const page of [dave, erin]) await page.click('#rooms button[data-channel="team:core"]');
    await send(dave, 'team only');
    await shown(erin, 'team only').waitFor({ timeout: UI_MS });
    expect(await shown(erin, 'team only').locator('strong').textContent()).toBe('dave');
    // Every page joined is in team core: this test's two, the pages of other tests are closed.
    await onlineUsers(erin, ['dave', 'erin']);

    // dave opens dm:#dave,erin; erin's page learns of it from personal:#erin and shows the room.
    await openDirect(dave, 'erin');
    await send(dave, 'just between us');
    const dm = erin.locator('#rooms button[data-channel="dm:#dave,erin"]');
    await dm.waitFor({ timeout: UI_MS });
    await dm.click();
    await shown(erin, 'just between us').waitFor({ timeout: UI_MS });
    await send(erin, 'got it');
    await shown(dave, 'got it').waitFor({ timeout: UI_MS });
    // Nobody else sees the conversation: it is not in general.
    await erin.click('#rooms button[data-channel="chat:general"]');
    expect(await shown(erin, 'just between us').count()).toBe(0);
    await dave.screenshot({ path: '/tmp/sample-dm.png' });
  }, TEST_MS);

  it('falls back to SSE where WebSocket and HTTP streaming are blocked, and chats with a WebSocket page', async () => {
    const streams: string[] = [];
    const blocked = async (page: Page): Promise<void> => {
      // As a proxy that kills upgrades and buffers streamed responses would.
      await page.routeWebSocket(/\/connection\/websocket/, (ws) => ws.close());
      await page.route(/\/connection\/http_stream/, (route) => route.abort());
      page.on('request', (request) => {
        const { pathname } = new URL(request.url());
        if (pathname.startsWith('/connection/') || pathname === '/emulation') streams.push(pathname);
      });
    };
    const frank = await joined('frank', blocked);
    const gina = await joined('gina');
    expect(streams).toContain('/connection/sse');

    await send(frank, 'over sse');
    await shown(gina, 'over sse').waitFor({ timeout: UI_MS });
    await send(gina, 'back over websocket');
    await shown(frank, 'back over websocket').waitFor({ timeout: UI_MS });
    expect(streams).toContain('/emulation');
    await frank.screenshot({ path: '/tmp/sample-sse.png' });
  }, TEST_MS);
  it('shows typing and statuses, reacts, edits, deletes and replies, per author', async () => {
    const hana = await joined('hana');
    const ivan = await joined('ivan');

    // ivan types: hana sees it, and it goes once ivan sends.
    await ivan.fill('#text', 'thinking');
    await ivan.locator('#text').dispatchEvent('input');
    await hana.locator('#typing', { hasText: 'ivan is typing…' }).waitFor({ timeout: UI_MS });
    await ivan.click('#send');
    await shown(hana, 'thinking').waitFor({ timeout: UI_MS });
    await hana.waitForFunction("document.querySelector('#typing').textContent === ''", undefined, { timeout: UI_MS });

    // A status change reaches the others' online list.
    await onlineUsers(hana, await hana.evaluate<string[]>("[...document.querySelectorAll('#online li')].map((li) => li.dataset.user)"));
    await ivan.selectOption('#my-status', 'busy');
    await hana.locator('#online li[data-user="ivan"][data-status="busy"] .dot.busy').waitFor({ timeout: UI_MS });

    // hana reacts to ivan's message; both see the count.
    await shown(hana, 'thinking').hover();
    await shown(hana, 'thinking').locator('button.react').click();
    await shown(ivan, 'thinking').locator('.reactions', { hasText: '👍 1' }).waitFor({ timeout: UI_MS });

    // Only the author may edit and delete: hana's page offers neither on ivan's message.
    expect(await shown(hana, 'thinking').locator('button.edit').count()).toBe(0);
    await shown(ivan, 'thinking').hover();
    await shown(ivan, 'thinking').locator('button.edit').click();
    await ivan.fill('#text', 'thought it through');
    await ivan.click('#send');
    await messageText(hana, 'thought it through').waitFor({ timeout: UI_MS });
    await shown(hana, 'thought it through').locator('.edited:not([hidden])').waitFor({ timeout: UI_MS });

    // A reply sits under its parent; a deleted message leaves a tombstone.
    await shown(hana, 'thought it through').hover();
    await shown(hana, 'thought it through').locator('button.reply').click();
    await send(hana, 'sounds good');
    await ivan.locator('#messages li.reply', { hasText: 'sounds good' }).locator('.quote', { hasText: 'thought it through' }).waitFor({ timeout: UI_MS });
    await shown(ivan, 'thought it through').hover();
    await shown(ivan, 'thought it through').locator('button.delete').click();
    await hana.locator('#messages li.deleted', { hasText: 'message deleted' }).waitFor({ timeout: UI_MS });
    await hana.screenshot({ path: '/tmp/sample-features.png' });
  }, TEST_MS);

  it("tells added members' open pages of the room, and lets its owner delete others' messages but members only their own", async () => {
    const lena = await joined('lena');
    const milo = await joined('milo');

    await lena.fill('#room-name', 'Crew');
    await lena.fill('#room-members', 'milo');
    await lena.click('#room-create');
    await lena.locator('#room-title', { hasText: 'Crew' }).waitFor({ timeout: UI_MS });
    await send(lena, 'owner speaking');

    // milo's open page learns of the room he was added to, without a reload.
    await milo.click('#rooms button[data-channel="chat:crew"]', { timeout: UI_MS });
    await shown(milo, 'owner speaking').waitFor({ timeout: UI_MS });
    await send(milo, 'member speaking');
    await shown(lena, 'member speaking').waitFor({ timeout: UI_MS });

    // The member is offered no way to delete the owner's message; the owner may delete the member's.
    expect(await shown(milo, 'owner speaking').locator('button.delete').count()).toBe(0);
    expect(await shown(lena, 'member speaking').locator('button.edit').count()).toBe(0);
    await shown(lena, 'member speaking').hover();
    await shown(lena, 'member speaking').locator('button.delete').click();
    await milo.locator('#messages ol:not([hidden]) li.deleted', { hasText: 'message deleted' }).waitFor({ timeout: UI_MS });
    expect(await lena.locator('#error').isHidden()).toBe(true);

    // A member added later gets the room on the open page too, with what was said there.
    const pia = await joined('pia');
    await lena.fill('#invite-name', 'pia');
    await lena.click('#invite');
    await pia.click('#rooms button[data-channel="chat:crew"]', { timeout: UI_MS });
    await shown(pia, 'owner speaking').waitFor({ timeout: UI_MS });
    await lena.locator('#online li[data-user="pia"]').waitFor({ timeout: UI_MS });
    await lena.screenshot({ path: '/tmp/sample-moderation.png' });
  }, TEST_MS);

  it("lists a room's members with a status dot, and the last seen of those offline", async () => {
    const nora = await joined('nora');
    await nora.fill('#room-name', 'Den');
    await nora.fill('#room-members', 'otto');
    await nora.click('#room-create');
    await nora.locator('#room-title', { hasText: 'Den' }).waitFor({ timeout: UI_MS });
    const otto = () => nora.locator('#online li[data-user="otto"]');
    await otto().and(nora.locator('[data-status="offline"]')).locator('.seen', { hasText: 'never seen' }).waitFor({ timeout: UI_MS });

    // otto's page subscribes to the rooms he is in: nora sees him come, then go after the offline grace.
    const ottoPage = await joined('otto');
    await otto().and(nora.locator('[data-status="online"]')).locator('.dot.online').waitFor({ timeout: UI_MS });
    await ottoPage.context().close();
    await otto().and(nora.locator('[data-status="offline"]')).locator('.seen', { hasText: /^last seen / }).waitFor({ timeout: 2 * UI_MS });
    expect(await nora.locator('#people-title').textContent()).toBe('Members');
    await nora.screenshot({ path: '/tmp/sample-members.png' });
  }, TEST_MS);

  it('keeps rooms, direct messages and unread badges across a reload, and fits a phone', async () => {
    const jill = await joined('jill');
    const kurt = await joined('kurt');

    // jill makes a private room with kurt in it, and opens a direct conversation with him.
    await jill.fill('#room-name', 'Plans');
    await jill.fill('#room-members', 'kurt');
    await jill.check('#room-private');
    await jill.click('#room-create');
    await jill.locator('#room-title', { hasText: 'Plans' }).waitFor({ timeout: UI_MS });
    await send(jill, 'private plans');
    await openDirect(jill, 'kurt');
    await send(jill, 'just us');

    // kurt reloads: the room and the conversation are listed, with what he has not read.
    await kurt.reload();
    await kurt.locator('#status', { hasText: /^connected as kurt$/ }).waitFor({ timeout: UI_MS });
    await kurt.locator('#rooms button[data-channel="chat:plans"] .badge', { hasText: '1' }).waitFor({ timeout: UI_MS });
    await kurt.locator('#rooms button[data-channel="dm:#jill,kurt"] .badge', { hasText: '1' }).waitFor({ timeout: UI_MS });
    await kurt.click('#rooms button[data-channel="chat:plans"]');
    await shown(kurt, 'private plans').waitFor({ timeout: UI_MS });
    await kurt.locator('#rooms button[data-channel="chat:plans"] .badge:empty').waitFor({ state: 'attached', timeout: UI_MS });
    await kurt.reload();
    await kurt.locator('#rooms button[data-channel="dm:#jill,kurt"] .badge', { hasText: '1' }).waitFor({ timeout: UI_MS });
    expect(await kurt.locator('#rooms button[data-channel="chat:plans"] .badge').textContent()).toBe('');

    // An error is shown, and cleared when dismissed; an empty message cannot be sent.
    await kurt.fill('#room-name', 'Plans');
    await kurt.click('#room-create');
    await kurt.locator('#error-text', { hasText: 'is a room already' }).waitFor({ timeout: UI_MS });
    await kurt.click('#error-close');
    expect(await kurt.locator('#error').isHidden()).toBe(true);
    await kurt.fill('#text', '   ');
    expect(await kurt.locator('#send').isDisabled()).toBe(true);

    await kurt.setViewportSize({ width: 390, height: 800 });
    await kurt.click('#rooms button[data-channel="dm:#jill,kurt"]');
    await shown(kurt, 'just us').waitFor({ timeout: UI_MS });
    expect(await kurt.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')).toBeLessThanOrEqual(0);
    await kurt.screenshot({ path: '/tmp/sample-phone.png', fullPage: true });
  }, TEST_MS);
});
