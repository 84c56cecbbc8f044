/**
 * Privacy operations on the admin API: delete a user and apply retention on
 * the running server's store, behind the admin token.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, converse, startAdminServer, type AdminTestServer } from './admin-helpers.ts';

let s: AdminTestServer;
beforeEach(async () => { s = await startAdminServer(); });
afterEach(async () => { await s.close(); });

const post = (route: string, body: unknown, token = ADMIN_TOKEN) => fetch(`${s.url}/admin/api/privacy/${route}`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
  body: JSON.stringify(body),
});

describe('admin privacy routes', () => {
  it('delete-user removes the user from the running server and says what it removed', async () => {
    await converse(s.engine, 'web-a', ['my email is ana@example.com', 'confident thanks']);
    await converse(s.engine, 'web-b', ['hello']);
    const res = await post('delete-user', { userId: 'user-web-a' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ removed: { conversations: 1, turns: 4, tempFiles: 0, corruptFiles: 0 }, summary: 'removed 1 conversation, 4 turns, 0 temp files, 0 moved-aside corrupt files' });
    expect(await s.store.get('web-a')).toBeUndefined();
    expect(await s.store.get('web-b')).toBeDefined();
    // the user's next message starts afresh: nothing from before comes back
    await converse(s.engine, 'web-a', ['hello again']);
    expect((await s.store.get('web-a'))!.turns.map((t) => t.text).join(' ')).not.toContain('ana@example.com');
    expect(await readFile(path.join(s.dir, 'log', 'index.jsonl'), 'utf8')).not.toContain('ana@');
  });

  it('retention takes an age; bad input is a 400, a missing token a 401', async () => {
    await converse(s.engine, 'web-a', ['hello']);
    const ok = await post('retention', { olderThan: '90d' });
    expect(await ok.json()).toMatchObject({ removed: { conversations: 0 } });
    expect((await post('retention', { olderThan: 'ninety days' })).status).toBe(400);
    expect((await post('delete-user', { userId: '' })).status).toBe(400);
    expect((await post('delete-user', { userId: 'user-web-a' }, 'wrong-token-0123456789')).status).toBe(401);
    expect(await s.store.get('web-a')).toBeDefined();
  });
});
