/**
 * The admin side of the web server on an ephemeral port: no admin routes
 * without a token; the API refuses a missing or wrong token, lists the review
 * queue of conversations had through the real engine, stores decisions in the
 * real lowdb files, refuses bad ones clearly; model versions and signed report
 * links; rate limits and hostile input.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationRecord } from '../../src/index.ts';
import { ADMIN_TOKEN, converse, REPORT_HTML, startAdminServer, type AdminTestServer } from './admin-helpers.ts';

let s: AdminTestServer;
beforeAll(async () => {
  s = await startAdminServer();
});
afterAll(async () => {
  await s?.close();
});

const bearer = (token = ADMIN_TOKEN) => ({ Authorization: `Bearer ${token}` });
const getJson = (path: string, headers: Record<string, string> = bearer()) => fetch(`${s.url}${path}`, { headers });
const post = (path: string, body: unknown, headers: Record<string, string> = bearer()) =>
  fetch(`${s.url}${path}`, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

/** The record as it is in the conversation's file on disk. */
async function onDisk(id: string): Promise<ConversationRecord> {
  return JSON.parse(await readFile(s.store.fileFor(id), 'utf8')) as ConversationRecord;
}

describe('admin side without a token', () => {
  it('has no admin routes at all, and the review page is not served from the site root either', async () => {
    const plain = await startAdminServer({ adminToken: null });
    try {
      for (const path of ['/admin', '/admin/', '/admin/api/review', '/admin/api/models', '/admin/reports/v1', '/admin.html', '/admin.js']) {
        const res = await fetch(`${plain.url}${path}`, { headers: bearer() });
        expect(res.status, path).toBe(404);
      }
      expect((await fetch(`${plain.url}/widget.js`)).status).toBe(200);
    } finally {
      await plain.close();
    }
  });

  it('refuses to start with a short admin token', async () => {
    await expect(startAdminServer({ adminToken: 'short' })).rejects.toThrow(/at least 16 characters/);
  });
});

describe('admin API', () => {
  it('answers 401 without a token, with a wrong one, and with a non-Bearer scheme', async () => {
    const attempts: [string, Record<string, string>][] = [
      ['none', {}],
      ['wrong', bearer('admin-token-0123456789-abcdeX')],
      ['prefix', bearer(ADMIN_TOKEN.slice(0, -1))],
      ['longer', bearer(ADMIN_TOKEN + 'x')],
      ['basic', { Authorization: `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}` }],
    ];
    for (const [what, headers] of attempts) {
      for (const res of [await getJson('/admin/api/review', headers), await getJson('/admin/api/models', headers), await post('/admin/api/review/x', { status: 'good' }, headers)]) {
        expect(res.status, what).toBe(401);
        expect(await res.json()).toEqual({ error: 'unauthorized', message: 'Missing or wrong admin token.' });
      }
    }
  });

  it('serves the review page (no token needed: it asks for one) under the strict CSP', async () => {
    const res = await fetch(`${s.url}/admin/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await res.text();
    expect(html).toContain('<script src="/admin/admin.js" defer></script>');
    expect(html).not.toMatch(/<script>|style=/);
    expect((await fetch(`${s.url}/admin/admin.js`)).status).toBe(200);
  });

  it('lists what needs a look from real conversations, stores a verdict and a correction in the lowdb files, and leaves them out after', async () => {
    const fell = await converse(s.engine, 'web-fell', ['where is my parcel?']);
    expect(fell[0].kind).toBe('fallback');
    const disliked = await converse(s.engine, 'web-disliked', ['confident: do you ship to Oslo?']);
    await s.engine.feedback({ conversationId: 'web-disliked', turnId: disliked[0].turnId!, value: 'down' });
    await converse(s.engine, 'web-fine', ['confident: hi']);

    const res = await getJson('/admin/api/review');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { items } = (await res.json()) as { items: { conversationId: string; turnId: string; reasons: string[]; turns: { text: string }[] }[] };
    const mine = items.filter((i) => i.conversationId.startsWith('web-'));
    expect(mine.map((i) => [i.conversationId, i.turnId, i.reasons])).toEqual([
      ['web-disliked', disliked[0].turnId, ['thumbs-down']],
      ['web-fell', fell[0].turnId, ['fallback']],
    ]);
    expect(mine[1].turns.map((t) => t.text)).toEqual(['where is my parcel?', s.engine.options.fallbackText]);

    const fixed = await post('/admin/api/review/web-fell', { correct: [{ turnId: fell[0].turnId, text: 'Your parcel is on its way; it arrives tomorrow.' }], reviewer: 'ana' });
    expect(fixed.status).toBe(200);
    expect(((await fixed.json()) as { review: unknown }).review).toMatchObject({ status: 'corrected', reviewer: 'ana' });
    expect((await post('/admin/api/review/web-disliked', { status: 'bad' })).status).toBe(200);

    expect((await onDisk('web-fell')).review).toMatchObject({ status: 'corrected', corrections: { [fell[0].turnId!]: 'Your parcel is on its way; it arrives tomorrow.' } });
    expect((await onDisk('web-disliked')).review).toMatchObject({ status: 'bad', reviewer: 'admin' });
    const after = (await (await getJson('/admin/api/review')).json()) as { items: { conversationId: string }[] };
    expect(after.items.map((i) => i.conversationId)).not.toContain('web-fell');
    const withReviewed = (await (await getJson('/admin/api/review?includeReviewed=1')).json()) as { items: { conversationId: string }[] };
    expect(withReviewed.items.map((i) => i.conversationId)).toEqual(expect.arrayContaining(['web-fell', 'web-disliked']));
  });

  it('refuses bad decisions with a clear message, and stores nothing', async () => {
    const [{ turnId: bot }] = await converse(s.engine, 'web-bad-input', ['what?']);
    const record = await s.store.get('web-bad-input');
    const userTurn = record!.turns.find((t) => t.speaker === 'user')!.id;
    const cases: [unknown, number, RegExp][] = [
      [{ status: 'great' }, 400, /good, bad or ignore/],
      [{}, 400, /good, bad or ignore/],
      [{ correct: [] }, 400, /non-empty/],
      [{ correct: [{ turnId: 'nope', text: 'x' }] }, 400, /no turn "nope"/],
      [{ correct: [{ turnId: userTurn, text: 'x' }] }, 400, /only the bot's replies/],
      [{ correct: [{ turnId: bot, text: '   ' }] }, 400, /empty/],
      [{ correct: [{ turnId: bot, text: 'x'.repeat(4001) }] }, 400, /over 4000 characters/],
      [{ correct: 'everything' }, 400, /non-empty list/],
    ];
    for (const [body, status, says] of cases) {
      const res = await post('/admin/api/review/web-bad-input', body);
      expect(res.status, JSON.stringify(body).slice(0, 60)).toBe(status);
      expect(((await res.json()) as { message: string }).message).toMatch(says);
    }
    expect((await post('/admin/api/review/no-such-conversation', { status: 'good' })).status).toBe(404);
    expect(await s.store.get('no-such-conversation')).toBeUndefined();
    expect((await post('/admin/api/review/web-bad-input', '{"status": "good"', bearer())).status).toBe(400);
    expect((await post('/admin/api/review/web-bad-input', { status: 'good', note: 'x'.repeat(70_000) })).status).toBe(413);
    expect((await onDisk('web-bad-input')).review).toBeUndefined();
    expect((await fetch(`${s.url}/health`)).status).toBe(200);
  });

  it('lists model versions with a signed report link that opens the report, and refuses unsigned, tampered and traversing report requests', async () => {
    const res = await getJson('/admin/api/models');
    expect(res.status).toBe(200);
    const { versions } = (await res.json()) as { versions: { name: string; status: string; reportUrl: string | null }[] };
    expect(versions.map((v) => v.name)).toEqual(['v1']);
    expect(JSON.stringify(versions)).not.toContain(s.dir); // no file system paths for the browser
    const link = versions[0].reportUrl!;
    expect(link).toMatch(/^\/admin\/reports\/v1\?expires=\d+&sig=[\w-]+$/);

    const report = await fetch(`${s.url}${link}`);
    expect(report.status).toBe(200);
    expect(await report.text()).toBe(REPORT_HTML);
    expect(report.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'unsafe-inline'/);
    expect((await fetch(`${s.url}/admin/reports/v1`, { headers: bearer() })).status).toBe(200);

    expect((await fetch(`${s.url}/admin/reports/v1`)).status).toBe(401);
    expect((await fetch(`${s.url}${link.replace(/sig=(.)/, (_, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`)}`)).status).toBe(401);
    expect((await fetch(`${s.url}${link.replace(/expires=\d+/, (m) => `${m}1`)}`)).status).toBe(401);
    expect((await fetch(`${s.url}${link.replace('/v1?', '/v2?')}`)).status).toBe(401); // a signature is for one version
    for (const path of ['/admin/reports/..%2Fsecret.txt', '/admin/reports/..%5Csecret.txt', '/admin/reports/v1%2F..%2F..%2Fsecret.txt', '/admin/reports/.hidden', '/admin/reports/nope']) {
      const r = await fetch(`${s.url}${path}`, { headers: bearer() });
      expect(r.status, path).toBe(404);
      expect(await r.text()).not.toContain('not for the web');
    }
  });
});

describe('admin rate limit', () => {
  it('limits admin requests per IP like the rest of the API, wrong tokens included', async () => {
    const limited = await startAdminServer({ limits: { perIp: { burst: 3, perMinute: 1 } } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) codes.push((await fetch(`${limited.url}/admin/api/review`, { headers: bearer(i < 2 ? 'wrong-token-0123456789' : ADMIN_TOKEN) })).status);
      expect(codes).toEqual([401, 401, 200, 429, 429]);
      const res = await fetch(`${limited.url}/admin/api/review`, { headers: bearer() });
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });
});
