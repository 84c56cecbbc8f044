/**
 * Conformance driver for the web channel: the real `createWebServer` on a free
 * port, driven over HTTP the way the widget drives it — one conversation per
 * user (`POST /api/conversations`), messages answered over Server-Sent Events
 * (the `done` event's text is what the user sees), feedback on the last bot
 * reply, and the conversation's events stream open for pushed agent messages
 * and notices. A refused request (413, 429) shows the server's error message.
 */
import { randomBytes } from 'node:crypto';
import { createWebServer } from '../../adapters/web/index.ts';
import type { ConversationStore } from '../../src/storage/types.ts';
import type { ConformanceDriver } from './driver.ts';

export interface WebDriverOptions {
  /** The store the engine logs to (the server reads history from it). */
  store: ConversationStore;
}

interface WebUser {
  conversationId: string;
  token: string;
  /** The bot turn of the last reply (what the widget's Yes/No buttons rate). */
  lastTurnId?: string;
  pushed: string[];
  arrived: Array<() => void>;
  events: AbortController;
}

interface SseEvent {
  event: string;
  data: unknown;
}

/** A driver that serves the web channel on 127.0.0.1 and talks to it over HTTP. */
export function createWebDriver({ store }: WebDriverOptions): ConformanceDriver {
  let server: { url: string; close(): Promise<void> } | undefined;
  const users = new Map<string, Promise<WebUser>>();
  const known = new Map<string, WebUser>();

  const url = () => {
    if (!server) throw new Error('web driver: start() first');
    return server.url;
  };
  const post = (path: string, token: string, body: unknown) =>
    fetch(`${url()}${path}`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

  /** Opens the user's conversation and its events stream (resolves once the server listens for them). */
  const open = async (user: string): Promise<WebUser> => {
    const res = await fetch(`${url()}/api/conversations`, { method: 'POST' });
    if (res.status !== 201) throw new Error(`web driver: POST /api/conversations answered ${res.status}`);
    const { conversationId, token } = (await res.json()) as { conversationId: string; token: string };
    const u: WebUser = { conversationId, token, pushed: [], arrived: [], events: new AbortController() };
    const events = await fetch(`${url()}/api/conversations/${conversationId}/events`, { headers: { Authorization: `Bearer ${token}` }, signal: u.events.signal });
    if (events.status !== 200 || !events.body) throw new Error(`web driver: the events stream answered ${events.status}`);
    const reader = events.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    const readMore = async () => {
      const { value, done } = await reader.read();
      if (done) return false;
      buffer += decoder.decode(value, { stream: true });
      const complete = buffer.lastIndexOf('\n\n');
      if (complete >= 0) {
        for (const e of parseSse(buffer.slice(0, complete))) {
          const data = e.data as { text?: string };
          if ((e.event === 'agent-message' || e.event === 'notice') && typeof data.text === 'string') u.pushed.push(data.text);
        }
        buffer = buffer.slice(complete + 2);
        for (const notify of u.arrived.splice(0)) notify();
      }
      return true;
    };
    await readMore(); // the server subscribes before it writes its first line
    void (async () => {
      try {
        while (await readMore());
      } catch {
        /* aborted by stop() */
      }
    })();
    known.set(user, u);
    return u;
  };
  const userOf = (user: string): Promise<WebUser> => {
    let u = users.get(user);
    if (!u) users.set(user, (u = open(user)));
    return u;
  };

  return {
    name: 'web',
    async start(engine) {
      const web = createWebServer({ engine, secret: randomBytes(32).toString('hex') });
      server = await web.listen(0);
    },
    async stop() {
      for (const u of known.values()) u.events.abort();
      await server?.close();
      server = undefined;
    },
    conversationId(user) {
      const u = known.get(user);
      if (!u) throw new Error(`web driver: ${user} has not said anything yet, so has no conversation`);
      return u.conversationId;
    },

    async say(user, text) {
      const u = await userOf(user);
      const res = await post(`/api/conversations/${u.conversationId}/messages`, u.token, { text });
      if (res.status !== 200) return ((await res.json()) as { message: string }).message;
      const events = parseSse(await res.text());
      const done = events.find((e) => e.event === 'done')?.data as { kind: string; text: string; turnId: string | null } | undefined;
      if (!done) return (events.find((e) => e.event === 'error')?.data as { message?: string } | undefined)?.message ?? '';
      if (done.turnId && (done.kind === 'reply' || done.kind === 'fallback')) u.lastTurnId = done.turnId;
      return done.kind === 'silent' ? '' : done.text;
    },

    async feedback(user, value) {
      const u = await userOf(user);
      if (!u.lastTurnId) throw new Error(`web driver: ${user} has no reply to rate`);
      const res = await post(`/api/conversations/${u.conversationId}/feedback`, u.token, { turnId: u.lastTurnId, value });
      if (res.status !== 200) throw new Error(`web driver: feedback answered ${res.status}: ${await res.text()}`);
    },

    async nextPushed(user, timeoutMs = 5000) {
      const u = await userOf(user);
      const deadline = Date.now() + timeoutMs;
      while (!u.pushed.length) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`web driver: nothing pushed to ${user} within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          u.arrived.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return u.pushed.shift()!;
    },
  };
}

/** Parses complete Server-Sent Events (comments, `retry:` and `id:` lines are skipped). */
function parseSse(text: string): SseEvent[] {
  const out: SseEvent[] = [];
  for (const chunk of text.split('\n\n')) {
    let event = 'message';
    const data: string[] = [];
    for (const line of chunk.split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    if (data.length) out.push({ event, data: JSON.parse(data.join('\n')) as unknown });
  }
  return out;
}
