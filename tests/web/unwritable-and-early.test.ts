/**
 * Issue 17 #8: feedback before any message answered 500; on a data directory
 * that takes no writes, feedback and admin review answered a generic 500; and
 * starting on such a directory exited with a raw stack trace.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runColloquy, STACK_TRACE } from '../helpers/cli.ts';
import { ADMIN_TOKEN, startAdminServer, type AdminTestServer } from './admin-helpers.ts';
import { parseSse } from './helpers.ts';

let s: AdminTestServer;
beforeEach(async () => { s = await startAdminServer(); });
afterEach(async () => { await s.close(); });

async function newConversation(): Promise<{ id: string; auth: Record<string, string> }> {
  const { conversationId, token } = (await (await fetch(`${s.url}/api/conversations`, { method: 'POST' })).json()) as { conversationId: string; token: string };
  return { id: conversationId, auth: { 'content-type': 'application/json', authorization: `Bearer ${token}` } };
}

describe('early and unwritable', () => {
  it('feedback before any message is a 404, not a 500', async () => {
    const c = await newConversation();
    const res = await fetch(`${s.url}/api/conversations/${c.id}/feedback`, { method: 'POST', headers: c.auth, body: JSON.stringify({ turnId: 't_nope', value: 'up' }) });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'not_found', message: 'No such message.' });
  });

  it('feedback and admin review on a log that takes no writes are a 503 saying to retry', async () => {
    const c = await newConversation();
    const sent = await fetch(`${s.url}/api/conversations/${c.id}/messages`, { method: 'POST', headers: c.auth, body: JSON.stringify({ text: 'confident hello' }) });
    const done = parseSse(await sent.text()).find((e) => e.event === 'done')!.data as { turnId: string };
    await fs.rm(path.join(s.dir, 'log', 'c'), { recursive: true, force: true }); // the disk under the log is gone

    const feedback = await fetch(`${s.url}/api/conversations/${c.id}/feedback`, { method: 'POST', headers: c.auth, body: JSON.stringify({ turnId: done.turnId, value: 'up' }) });
    expect(feedback.status).toBe(503);
    expect(feedback.headers.get('retry-after')).toBe('30');
    expect(await feedback.json()).toMatchObject({ error: 'unavailable', message: expect.stringMatching(/try again/) });

    const review = await fetch(`${s.url}/admin/api/review/${encodeURIComponent(c.id)}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` }, body: JSON.stringify({ status: 'good' }) });
    expect(review.status).toBe(503);
  });
});

describe('starting on a data directory that takes no writes', () => {
  it('exits with a clear error, never a stack trace', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'colloquy-unwritable-'));
    try {
      await fs.writeFile(path.join(dir, 'a-file'), '');
      const run = await runColloquy(['serve', '--port', '0', '--data-dir', path.join(dir, 'a-file', 'log'), '--backend', 'wasm']);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/error: Cannot write the conversation log in .*a-file\/log: a part of the path is a file/);
      expect(run.stderr).not.toMatch(STACK_TRACE);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
