/**
 * The widget in real Chromium (Debian's, through playwright-core) on the demo
 * page of the real server: streaming, history after reload, feedback, text-only
 * rendering, the keyboard, and screenshots at desktop and phone widths.
 */
import path from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ARTIFACTS, describeWithBrowser, launchChromium, WAIT } from './browser.ts';
import { startTestServer, type TestServer } from './helpers.ts';


let s: TestServer;
let browser: Browser;

/** A fresh page (own localStorage) that fails the test on any dialog or page error. */
async function openPage(viewport = { width: 1280, height: 800 }): Promise<{ context: BrowserContext; page: Page; dialogs: string[]; errors: string[] }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const dialogs: string[] = [];
  const errors: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(s.url + '/');
  await page.locator('.colloquy__bubble').waitFor(WAIT);
  return { context, page, dialogs, errors };
}

const botReplies = (page: Page) => page.locator('.colloquy__msg[data-state="done"]');

/** Types a message, sends it with Enter and waits for the reply to finish. */
async function send(page: Page, text: string): Promise<string> {
  const before = await botReplies(page).count();
  await page.locator('#colloquy-input').fill(text);
  await page.locator('#colloquy-input').press('Enter');
  await expect.poll(() => botReplies(page).count(), WAIT).toBe(before + 1);
  return (await botReplies(page).last().locator('.colloquy__text').textContent()) ?? '';
}

describeWithBrowser('the web widget in Chromium', () => {
  beforeAll(async () => {
    s = await startTestServer();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('streams a reply, restores the history after a reload and in a second tab, and stores a thumbs up', async () => {
    const { context, page, dialogs, errors } = await openPage();
    try {
      await page.locator('.colloquy__bubble').click();
      await expect.poll(() => page.locator('.colloquy__panel').isVisible(), WAIT).toBe(true);
      await expect.poll(() => page.locator('.colloquy__msg--greeting').textContent(), WAIT).toContain('Northwind');

      // record what the reply bubble shows while the reply arrives
      await page.evaluate(() => {
        const seen: string[] = [];
        (window as unknown as { __seen: string[] }).__seen = seen;
        new MutationObserver(() => {
          const last = document.querySelectorAll('.colloquy__msg--bot .colloquy__text');
          const item = last[last.length - 1]?.parentElement;
          seen.push(`${item?.getAttribute('data-state')}|${last[last.length - 1]?.textContent ?? ''}`);
        }).observe(document.querySelector('.colloquy__messages')!, { childList: true, subtree: true, characterData: true, attributes: true });
      });
      const reply = await send(page, 'Where is my order?');
      const seen = await page.evaluate(() => (window as unknown as { __seen: string[] }).__seen);
      expect(seen.some((x) => x.startsWith('typing|'))).toBe(true); // typing indicator first
      const streamed = new Set(seen.filter((x) => x.startsWith('streaming|') && x.length > 'streaming|'.length));
      expect(streamed.size).toBeGreaterThan(1); // the text grew token by token
      expect(reply.length).toBeGreaterThan(0);
      const turnId = await botReplies(page).last().getAttribute('data-turn-id');
      expect(turnId).toBeTruthy();

      // reload: the token in localStorage brings the history back
      await page.reload();
      await page.locator('.colloquy__bubble').click();
      await expect.poll(() => page.locator('.colloquy__msg--user .colloquy__text').allTextContents(), WAIT).toEqual(['Where is my order?']);
      await expect.poll(() => page.locator(`.colloquy__msg[data-turn-id="${turnId}"] .colloquy__text`).textContent(), WAIT).toBe(reply);

      // a second tab of the same browser shares the token, so it shows the same conversation
      const tab = await context.newPage();
      await tab.goto(s.url + '/');
      await tab.locator('.colloquy__bubble').click();
      await expect.poll(() => tab.locator(`.colloquy__msg[data-turn-id="${turnId}"] .colloquy__text`).textContent(), WAIT).toBe(reply);
      await tab.close();

      // thumbs up on the restored reply, stored on the turn
      const up = page.locator(`.colloquy__msg[data-turn-id="${turnId}"] .colloquy__thumb[data-value="up"]`);
      await up.click();
      await expect.poll(() => up.getAttribute('aria-pressed'), WAIT).toBe('true');
      const { conversationId } = JSON.parse((await page.evaluate(() => localStorage.getItem(Object.keys(localStorage).find((k) => k.startsWith('colloquy:'))!)))!) as { conversationId: string };
      const record = await s.store.get(conversationId);
      expect(record!.turns.find((t) => t.id === turnId)!.feedback?.value).toBe('up');
      expect(record!.channel).toBe('web');
      await page.screenshot({ path: path.join(ARTIFACTS, 'widget-desktop-1280x800.png') });

      expect(dialogs).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('shows markup as text and never runs it', async () => {
    const { context, page, dialogs, errors } = await openPage();
    try {
      await page.locator('.colloquy__bubble').click();
      const attack = '<img src=x onerror=alert(1)>';
      await send(page, attack);
      expect(await page.locator('.colloquy__msg--user .colloquy__text').last().textContent()).toBe(attack);
      expect(await page.locator('.colloquy img').count()).toBe(0);
      await page.waitForTimeout(500);
      expect(dialogs).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('works with the keyboard only: Tab to the bubble, Enter, type, Enter, Escape', async () => {
    const { context, page, errors } = await openPage();
    try {
      const isBubble = () => page.evaluate(() => document.activeElement?.classList.contains('colloquy__bubble') ?? false);
      for (let i = 0; i < 30 && !(await isBubble()); i++) await page.keyboard.press('Tab');
      expect(await isBubble()).toBe(true);
      await page.keyboard.press('Enter');
      await expect.poll(() => page.evaluate(() => document.activeElement?.id), WAIT).toBe('colloquy-input');
      expect(await page.locator('.colloquy__bubble').getAttribute('aria-expanded')).toBe('true');
      await page.keyboard.type('How much is shipping?');
      await page.keyboard.press('Enter');
      await expect.poll(() => botReplies(page).count(), WAIT).toBe(1); // the reply (the greeting is not a reply)
      await expect.poll(() => page.locator('[aria-live="polite"]').textContent(), WAIT).toMatch(/^Bot: ./);
      await page.keyboard.press('Escape');
      expect(await page.locator('.colloquy__panel').isVisible()).toBe(false);
      expect(await isBubble()).toBe(true);
      expect(await page.locator('.colloquy__bubble').getAttribute('aria-expanded')).toBe('false');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('shows live agent messages and hand-off notices, and after going offline and back shows each message exactly once', async () => {
    const { context, page, errors } = await openPage();
    try {
      await page.locator('.colloquy__bubble').click();
      await send(page, 'hello');
      const { conversationId } = JSON.parse((await page.evaluate(() => localStorage.getItem(Object.keys(localStorage).find((k) => k.startsWith('colloquy:'))!)))!) as { conversationId: string };
      const agentTexts = () => page.locator('.colloquy__msg--agent .colloquy__text').allTextContents();

      // an agent joins and writes: pushed over the events stream, no reload
      await s.engine.agent.accept(conversationId, 'agent-7');
      await s.engine.agent.send(conversationId, 'agent-7', 'Hi, I am Dana from support.');
      await expect.poll(agentTexts, WAIT).toEqual(['Hi, I am Dana from support.']);
      expect(await page.locator('.colloquy__msg--agent .colloquy__who').first().textContent()).toBe('Agent');
      await expect.poll(() => page.locator('.colloquy__msg--notice').count(), WAIT).toBe(1); // "an agent joined"
      await expect.poll(() => page.locator('.colloquy').getAttribute('data-handoff'), WAIT).toBe('accepted');

      // offline while the agent writes; back online: caught up, nothing twice
      await context.setOffline(true);
      await s.engine.agent.send(conversationId, 'agent-7', 'Are you still there?');
      await page.waitForTimeout(1000);
      expect(await agentTexts()).toEqual(['Hi, I am Dana from support.']); // the stream is closed while offline
      await context.setOffline(false);
      await expect.poll(agentTexts, WAIT).toEqual(['Hi, I am Dana from support.', 'Are you still there?']);
      await s.engine.agent.close(conversationId);
      await expect.poll(() => page.locator('.colloquy__msg--notice').count(), WAIT).toBe(2); // "the agent left"

      // the bot answers again
      const reply = await send(page, 'thanks');
      expect(reply.length).toBeGreaterThan(0);
      await page.evaluate(() => window.dispatchEvent(new Event('online'))); // one more catch-up: still nothing twice
      await page.waitForTimeout(1000);

      const record = await s.store.get(conversationId);
      const turnIds = record!.turns.map((t) => t.id);
      expect(record!.turns.map((t) => t.speaker)).toEqual(['user', 'bot', 'notice', 'agent', 'agent', 'notice', 'user', 'bot']);
      const shown = await page.locator('.colloquy__msg[data-turn-id]').evaluateAll((items) => items.map((i) => i.getAttribute('data-turn-id')));
      expect(shown).toEqual(turnIds); // every logged turn once, in order
      expect(await page.locator('.colloquy__msg').count()).toBe(turnIds.length + 1); // + the greeting
      expect(await page.locator('.colloquy__msg--user .colloquy__text').allTextContents()).toEqual(['hello', 'thanks']);
      await page.screenshot({ path: path.join(ARTIFACTS, 'widget-agent-1280x800.png') });
      expect(errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to load resource|net::/.test(e))).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('catches up through the history each time the events stream drops and reconnects', async () => {
    const { context, page, errors } = await openPage();
    try {
      // every events stream ends at once: EventSource errors and reconnects, and never carries an event
      let streams = 0;
      await page.route('**/api/conversations/*/events?*', (route) => {
        streams++;
        return route.fulfill({ status: 200, contentType: 'text/event-stream', body: 'retry: 300\n: bye\n\n' });
      });
      await page.locator('.colloquy__bubble').click();
      await send(page, 'hello');
      const { conversationId } = JSON.parse((await page.evaluate(() => localStorage.getItem(Object.keys(localStorage).find((k) => k.startsWith('colloquy:'))!)))!) as { conversationId: string };
      await s.engine.agent.accept(conversationId, 'agent-9');
      const { turnId } = await s.engine.agent.send(conversationId, 'agent-9', 'Sam here, let me check.');
      await expect.poll(() => page.locator(`.colloquy__msg[data-turn-id="${turnId}"]`).count(), WAIT).toBe(1);
      await expect.poll(() => streams, WAIT).toBeGreaterThan(3); // several reconnects, each followed by a catch-up
      await page.waitForTimeout(500);
      const record = await s.store.get(conversationId);
      const shown = await page.locator('.colloquy__msg[data-turn-id]').evaluateAll((items) => items.map((i) => i.getAttribute('data-turn-id')));
      expect(shown).toEqual(record!.turns.map((t) => t.id));
      expect(await page.locator('.colloquy__msg--agent .colloquy__text').allTextContents()).toEqual(['Sam here, let me check.']);
      await s.engine.agent.close(conversationId);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('is usable at phone width (390×844)', async () => {
    const { context, page, errors } = await openPage({ width: 390, height: 844 });
    try {
      await page.locator('.colloquy__bubble').click();
      await send(page, 'Can I return a jacket?');
      const box = (await page.locator('.colloquy__panel').boundingBox())!;
      expect(box.width).toBeGreaterThanOrEqual(380);
      expect(box.width).toBeLessThanOrEqual(390);
      const input = (await page.locator('#colloquy-input').boundingBox())!;
      expect(input.y + input.height).toBeLessThanOrEqual(844);
      await page.screenshot({ path: path.join(ARTIFACTS, 'widget-phone-390x844.png') });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
  it('speaks the language set with data-lang', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // the demo page, embedding the widget with data-lang="de"
    await page.route(s.url + '/', async (route) => {
      const html = await (await route.fetch()).text();
      await route.fulfill({ contentType: 'text/html', body: html.replace('<script src="/widget.js"', '<script data-lang="de" src="/widget.js"') });
    });
    await page.goto(s.url + '/');
    await page.locator('.colloquy__bubble').click();

    await expect.poll(() => page.locator('.colloquy__input').getAttribute('placeholder'), WAIT).toBe('Nachricht eingeben…');
    expect(await page.locator('.colloquy__send').textContent()).toBe('Senden');
    expect(await page.locator('.colloquy__close').getAttribute('aria-label')).toBe('Chat schließen');
    await context.close();
  });
});
