/**
 * The admin review page in real Chromium (Debian's, through playwright-core)
 * against the real server: sign in with the token, see the flagged turn with
 * the conversation around it, write a correction and mark another
 * conversation bad — both land in the lowdb files — and open a model's
 * report. Any console error or page error fails the test.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ARTIFACTS, describeWithBrowser, launchChromium, WAIT } from './browser.ts';
import type { ConversationRecord } from '../../src/index.ts';
import { ADMIN_TOKEN, converse, startAdminServer, type AdminTestServer } from './admin-helpers.ts';


let s: AdminTestServer;
let browser: Browser;

const onDisk = async (id: string) => JSON.parse(await fs.readFile(s.store.fileFor(id), 'utf8')) as ConversationRecord;

describeWithBrowser('the admin review page in Chromium', () => {
  beforeAll(async () => {
    s = await startAdminServer();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('signs in with the token, shows the queue as text, saves a correction and a verdict, and links the report', async () => {
    const [fell] = await converse(s.engine, 'web-parcel', ['where is my parcel? <img src=x onerror=alert(1)>']);
    await converse(s.engine, 'web-rude', ['you are useless']);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    const dialogs: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    try {
      await page.goto(`${s.url}/admin/`);
      await page.locator('#token').fill(ADMIN_TOKEN);
      await page.locator('#login-form button[type=submit]').click();

      const item = page.locator('.item[data-conversation-id="web-parcel"]');
      await item.waitFor(WAIT);
      await expect.poll(() => page.locator('.item').count(), WAIT).toBe(2);
      expect(await item.locator('.reason').allTextContents()).toEqual(['fallback']);
      expect(await item.locator('.turn__text').allTextContents()).toEqual(['where is my parcel? <img src=x onerror=alert(1)>', s.engine.options.fallbackText]);
      expect(await item.locator('.turn.is-flagged').getAttribute('data-turn-id')).toBe(fell.turnId);
      expect(await page.locator('img').count()).toBe(0); // logged text is never HTML
      await expect.poll(() => page.locator('#models tr[data-version="v1"] a').getAttribute('href'), WAIT).toMatch(/^\/admin\/reports\/v1\?expires=/);
      await page.screenshot({ path: path.join(ARTIFACTS, 'admin-review-1280x900.png'), fullPage: true });

      await item.locator('textarea').fill('It is on its way and arrives tomorrow.');
      await item.locator('button.save').click();
      await expect.poll(() => item.locator('.result').textContent(), WAIT).toBe('Correction saved.');
      expect(await item.locator('.turn__fix').textContent()).toBe('Corrected: It is on its way and arrives tomorrow.');
      expect((await onDisk('web-parcel')).review).toMatchObject({ status: 'corrected', corrections: { [fell.turnId!]: 'It is on its way and arrives tomorrow.' } });

      const rude = page.locator('.item[data-conversation-id="web-rude"]');
      await rude.locator('button[data-decision="bad"]').click();
      await expect.poll(() => rude.locator('.result').textContent(), WAIT).toBe('Marked bad.');
      expect(await rude.locator('button[data-decision="good"]').isDisabled()).toBe(true);
      expect((await onDisk('web-rude')).review).toMatchObject({ status: 'bad' });

      // the token stays for the tab: a reload goes straight to the queue, which no longer holds the reviewed conversations
      await page.reload();
      await page.locator('#empty').waitFor({ state: 'visible', ...WAIT });
      expect(await page.locator('.item').count()).toBe(0);
      await page.locator('#include-reviewed').check();
      await expect.poll(() => page.locator('.item').count(), WAIT).toBe(2);

      const [report] = await Promise.all([context.waitForEvent('page', WAIT), page.locator('#models a').click()]);
      await report.waitForLoadState();
      expect(await report.locator('h1').textContent()).toBe('Training report v1');
      await report.close();

      await page.locator('#sign-out').click();
      expect(await page.locator('#login').isVisible()).toBe(true);
      expect(await page.evaluate(() => sessionStorage.getItem('colloquy-admin-token'))).toBeNull();
      expect(errors).toEqual([]);
      expect(dialogs).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
