/**
 * The web channel's API against the real server (ephemeral port), a real
 * engine, the real lowdb store in a temp dir and the bundled model on wasm.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '../../adapters/web/index.ts';
import { parseSse, SECRET, startTestServer, type SseEvent, type TestServer } from './helpers.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s?.close();
});

async function startConversation(url = s.url): Promise<{ conversationId: string; token: string }> {
  const res = await fetch(`${url}/api/conversations`, { method: 'POST' });
  expect(res.status).toBe(201);
  return (await res.json()) as { conversationId: string; token: string };
}

function post(path: string, token: string, body: unknown, url = s.url): Promise<Response> {
  return fetch(`${url}${path}`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

async function say(c: { conversationId: string; token: string }, text: string, url = s.url) {
  const res = await post(`/api/conversations/${c.conversationId}/messages`, c.token, { text }, url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const events = parseSse(await res.text());
  const done = events.find((e) => e.event === 'done')!.data as { kind: string; text: string; turnId: string | null };
  const tokens = events.filter((e) => e.event === 'token').map((e) => e.data as string);
  return { events, tokens, done };
}

describe('web API', () => {
  it('answers /health', async () => {
    const res = await fetch(`${s.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('starts a conversation with a signed token', async () => {
    const c = await startConversation();
    expect(c.conversationId).toMatch(/^web-/);
    expect(c.token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  it('streams a reply as several token events, then done with the whole text', async () => {
    const c = await startConversation();
    const { events, tokens, done } = await say(c, 'Where is my order?');
    expect(tokens.length).toBeGreaterThan(1);
    expect(events.at(-1)!.event).toBe('done');
    expect(['reply', 'fallback']).toContain(done.kind);
    if (done.kind === 'reply') expect(done.text).toBe(tokens.join(''));
    else expect(done.text).toBe(s.engine.options.fallbackText);
    expect(done.turnId).toBeTruthy();
  });

  it('answers a resent message (same clientMessageId) with the first answer, logging it once', async () => {
    const c = await startConversation();
    const path = `/api/conversations/${c.conversationId}/messages`;
    const send = async () => parseSse(await (await post(path, c.token, { text: 'Where is my order?', clientMessageId: 'b1f0c2d4-resend' })).text());
    const first = (await send()).find((e) => e.event === 'done')!.data as { text: string; turnId: string; userTurnId: string };
    const again = await send();
    expect(again.filter((e) => e.event === 'token')).toEqual([]);
    expect(again.find((e) => e.event === 'done')!.data).toMatchObject({ text: first.text, turnId: first.turnId, userTurnId: first.userTurnId, duplicate: true });
    expect((await s.store.get(c.conversationId))!.turns.filter((t) => t.speaker === 'user')).toHaveLength(1);
    expect((await post(path, c.token, { text: 'hi', clientMessageId: 'not ok!' })).status).toBe(400);
  });

  it('returns the history after two messages, paginated', async () => {
    const c = await startConversation();
    await say(c, 'hello');
    await say(c, 'how much is shipping?');
    const auth = { Authorization: `Bearer ${c.token}` };
    const all = (await (await fetch(`${s.url}/api/conversations/${c.conversationId}/messages`, { headers: auth })).json()) as { messages: Array<{ id: string; speaker: string; text: string }>; hasMore: boolean };
    expect(all.messages.map((m) => m.speaker)).toEqual(['user', 'bot', 'user', 'bot']);
    expect(all.messages[0].text).toBe('hello');
    expect(all.messages[2].text).toBe('how much is shipping?');
    expect(all.hasMore).toBe(false);
    const page = (await (await fetch(`${s.url}/api/conversations/${c.conversationId}/messages?limit=2&before=${all.messages[2].id}`, { headers: auth })).json()) as typeof all;
    expect(page.messages.map((m) => m.id)).toEqual([all.messages[0].id, all.messages[1].id]);
    expect(page.hasMore).toBe(false);
    const last = (await (await fetch(`${s.url}/api/conversations/${c.conversationId}/messages?limit=1`, { headers: auth })).json()) as typeof all;
    expect(last.messages.map((m) => m.id)).toEqual([all.messages[3].id]);
    expect(last.hasMore).toBe(true);
  });

  it('stores feedback on the bot turn', async () => {
    const c = await startConversation();
    const { done } = await say(c, 'I want a refund');
    const res = await post(`/api/conversations/${c.conversationId}/feedback`, c.token, { turnId: done.turnId, value: 'up' });
    expect(res.status).toBe(200);
    const record = await s.store.get(c.conversationId);
    expect(record!.turns.find((t) => t.id === done.turnId)!.feedback).toMatchObject({ value: 'up' });
    const bad = await post(`/api/conversations/${c.conversationId}/feedback`, c.token, { turnId: done.turnId, value: 'sideways' });
    expect(bad.status).toBe(400);
    const unknown = await post(`/api/conversations/${c.conversationId}/feedback`, c.token, { turnId: 't_nope', value: 'down' });
    expect(unknown.status).toBe(404);
  });

  it('refuses forged, altered and missing tokens with 401', async () => {
    const c = await startConversation();
    const path = `/api/conversations/${c.conversationId}/messages`;
    const forged = signToken('another-secret-0123456789abcdef0123456789', { c: c.conversationId, u: 'x', iat: Date.now() });
    const [body, sig] = c.token.split('.');
    const altered = `${Buffer.from(JSON.stringify({ c: c.conversationId, u: 'someone-else', iat: Date.now() })).toString('base64url')}.${sig}`;
    for (const token of [forged, altered, `${body}.${sig.slice(0, -2)}AA`, 'garbage', '']) {
      const res = await post(path, token, { text: 'hi' });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: string }).error).toBe('unauthorized');
    }
    expect((await fetch(`${s.url}${path}`)).status).toBe(401);
  });

  it("refuses conversation A's token on conversation B with 401", async () => {
    const a = await startConversation();
    const b = await startConversation();
    expect((await post(`/api/conversations/${b.conversationId}/messages`, a.token, { text: 'hi' })).status).toBe(401);
    expect((await fetch(`${s.url}/api/conversations/${b.conversationId}/messages`, { headers: { Authorization: `Bearer ${a.token}` } })).status).toBe(401);
    expect((await post(`/api/conversations/${b.conversationId}/feedback`, a.token, { turnId: 't', value: 'up' })).status).toBe(401);
  });

  it('answers an oversized body with a 413 JSON error and keeps serving', async () => {
    const c = await startConversation();
    const res = await post(`/api/conversations/${c.conversationId}/messages`, c.token, { text: 'x'.repeat(20_000) });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: string }).error).toBe('too_large');
    const broken = await post(`/api/conversations/${c.conversationId}/messages`, c.token, '{"text": ');
    expect(broken.status).toBe(400);
    const wrong = await post(`/api/conversations/${c.conversationId}/messages`, c.token, { text: 42 });
    expect(wrong.status).toBe(400);
    expect((await fetch(`${s.url}/health`)).status).toBe(200);
  });

  it("answers empty and too-long text with the engine's polite notices", async () => {
    const c = await startConversation();
    const empty = await say(c, '   ');
    expect(empty.done.kind).toBe('notice');
    expect(empty.done.text).toBe(s.engine.options.messages.empty);
    const long = await say(c, 'a'.repeat(5000));
    expect(long.done.kind).toBe('notice');
    expect(long.done.text).toContain('too long');
  });

  it('sets security headers on pages and serves the demo page and widget', async () => {
    const page = await fetch(`${s.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/widget.js');
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect((await fetch(`${s.url}/widget.js`)).headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${s.url}/widget.css`)).headers.get('content-type')).toMatch(/text\/css/);
  });
});

/** Opens a conversation's events stream and collects its events until `until` matches (or the timeout). */
async function collectEvents(url: string, until: (events: SseEvent[]) => boolean, opened: () => void = () => undefined, timeoutMs = 30_000): Promise<{ status: number; events: SseEvent[]; raw: string }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const res = await fetch(url, { signal: controller.signal });
  if (res.status !== 200) {
    clearTimeout(timer);
    return { status: res.status, events: [], raw: await res.text() };
  }
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let raw = '';
  let events: SseEvent[] = [];
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      raw += decoder.decode(value, { stream: true });
      opened(); // the server has subscribed before it writes anything
      events = parseSse(raw.split('\n\n').slice(0, -1).map((c) => c.split('\n').filter((l) => !l.startsWith(':') && !l.startsWith('retry:') && !l.startsWith('id:')).join('\n')).filter((c) => c.trim()).join('\n\n'));
      if (until(events)) break;
    }
  } catch {
    /* aborted: return what arrived */
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return { status: res.status, events, raw };
}

describe('web API live events', () => {
  it('pushes the hand-off, its notice and the agent message on the events stream', async () => {
    const c = await startConversation();
    await say(c, 'hello');
    const url = `${s.url}/api/conversations/${c.conversationId}/events?token=${encodeURIComponent(c.token)}`;
    let subscribed!: () => void;
    const open = new Promise<void>((r) => (subscribed = r));
    const stream = collectEvents(url, (events) => events.some((e) => e.event === 'agent-message'), subscribed);
    await open;
    await s.engine.agent.accept(c.conversationId, 'agent-7');
    const { turnId } = await s.engine.agent.send(c.conversationId, 'agent-7', 'Hi, I am Dana from support.');
    const { status, events, raw } = await stream;
    expect(status).toBe(200);
    expect(raw.startsWith('retry: 3000')).toBe(true);
    expect(events.map((e) => e.event)).toEqual(['handoff', 'notice', 'agent-message']);
    expect(events[0].data).toMatchObject({ state: 'accepted', agentId: 'agent-7' });
    expect(events[1].data).toMatchObject({ reason: 'handoff-accepted' });
    expect(events[2].data).toEqual({ turnId, agentId: 'agent-7', text: 'Hi, I am Dana from support.' });
    // the history has the same turns, and `after` returns only what came since
    const auth = { Authorization: `Bearer ${c.token}` };
    const all = (await (await fetch(`${s.url}/api/conversations/${c.conversationId}/messages`, { headers: auth })).json()) as { messages: Array<{ id: string; speaker: string }> };
    expect(all.messages.map((m) => m.speaker)).toEqual(['user', 'bot', 'notice', 'agent']);
    const since = (await (await fetch(`${s.url}/api/conversations/${c.conversationId}/messages?after=${all.messages[1].id}`, { headers: auth })).json()) as { messages: Array<{ id: string }>; hasMore: boolean };
    expect(since.messages.map((m) => m.id)).toEqual([all.messages[2].id, turnId]);
    expect(since.hasMore).toBe(false);
    expect((await fetch(`${s.url}/api/conversations/${c.conversationId}/messages?after=t_nope`, { headers: auth })).status).toBe(400);
    await s.engine.agent.close(c.conversationId);
  });

  it('takes the token as a Bearer header too, and refuses bad tokens with 401', async () => {
    const a = await startConversation();
    const b = await startConversation();
    const path = `/api/conversations/${a.conversationId}/events`;
    const forged = signToken('another-secret-0123456789abcdef0123456789', { c: a.conversationId, u: 'x', iat: Date.now() });
    for (const token of [forged, b.token, 'garbage']) {
      const res = await fetch(`${s.url}${path}?token=${encodeURIComponent(token)}`);
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: string }).error).toBe('unauthorized');
    }
    expect((await fetch(`${s.url}${path}`)).status).toBe(401);
    // ?token= is accepted on the events stream only
    expect((await fetch(`${s.url}/api/conversations/${a.conversationId}/messages?token=${encodeURIComponent(a.token)}`)).status).toBe(401);
    const controller = new AbortController();
    const ok = await fetch(`${s.url}${path}`, { headers: { Authorization: `Bearer ${a.token}` }, signal: controller.signal });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/event-stream/);
    controller.abort();
  });
});

describe('web API limits and CORS', () => {
  let limited: TestServer;
  beforeAll(async () => {
    limited = await startTestServer({ perIp: { burst: 6, perMinute: 1 }, perConversation: { burst: 2, perMinute: 1 } });
  });
  afterAll(async () => {
    await limited?.close();
  });

  it('rate-limits messages per conversation, then requests per IP, with 429 and Retry-After', async () => {
    const c = await startConversation(limited.url); // 1 request of the IP's 6
    await say(c, '/help', limited.url); // 2
    await say(c, '/help', limited.url); // 3
    const third = await post(`/api/conversations/${c.conversationId}/messages`, c.token, { text: '/help' }, limited.url); // 4
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    await startConversation(limited.url); // 5
    await startConversation(limited.url); // 6
    const over = await fetch(`${limited.url}/api/conversations`, { method: 'POST' });
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('web API CORS', () => {
  it('allows listed origins and refuses others', async () => {
    const { createWebServer } = await import('../../adapters/web/index.ts');
    const web = createWebServer({ engine: s.engine, secret: SECRET, allowedOrigins: ['https://shop.example'] });
    const server = await web.listen(0);
    try {
      const ok = await fetch(`${server.url}/api/conversations`, { method: 'OPTIONS', headers: { Origin: 'https://shop.example', 'Access-Control-Request-Method': 'POST' } });
      expect(ok.status).toBe(204);
      expect(ok.headers.get('access-control-allow-origin')).toBe('https://shop.example');
      expect(ok.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
      const bad = await fetch(`${server.url}/api/conversations`, { method: 'POST', headers: { Origin: 'https://evil.example' } });
      expect(bad.status).toBe(403);
      expect(bad.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await server.close();
    }
  });
});
