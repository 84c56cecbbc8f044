/**
 * Privacy requests handed to a running server through its data directory:
 * the watcher runs them on the server's own store (so nothing it holds in
 * memory writes the data back) and answers with counts.
 */
import { readdir, stat } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAge } from '../../src/privacy/age.ts';
import { describeDeletion } from '../../src/privacy/operations.ts';
import { requestsDir, submitPrivacyRequest, watchPrivacyRequests } from '../../src/privacy/requests.ts';
import { startRetention } from '../../src/privacy/retention-schedule.ts';
import { createLowdbStore } from '../../src/storage/lowdb-store.ts';
import { createFakeLogger } from '../engine/helpers/harness.ts';
import { createRecord, createTempDir, createTurn } from '../storage/fixtures/records.ts';

let tmp: Awaited<ReturnType<typeof createTempDir>>;
beforeEach(async () => { tmp = await createTempDir(); });
afterEach(async () => { await tmp.remove(); });

describe('privacy requests through the data directory', () => {
  it("the server's watcher deletes the user from its store and answers the counts", async () => {
    const store = await createLowdbStore({ dir: tmp.dir });
    await store.update('web:1', () => createRecord('web:1', { userId: 'u1', turns: [createTurn('1', { userId: 'u1' })] }));
    await store.update('web:2', () => createRecord('web:2', { userId: 'u2' }));
    const watcher = await watchPrivacyRequests({ dataDir: tmp.dir, store, pollMs: 50 });

    const report = await submitPrivacyRequest(tmp.dir, { op: 'delete-user', userId: 'u1' }, { timeoutMs: 10_000, pollMs: 20 });
    expect(report).toMatchObject({ conversations: 1, turns: 1 });
    expect(await store.get('web:1')).toBeUndefined();
    expect(await store.get('web:2')).toBeDefined();
    expect(await readdir(requestsDir(tmp.dir))).toEqual([]); // no request (with the user id) or result left
    expect((await stat(requestsDir(tmp.dir))).mode & 0o777).toBe(0o700);
    await watcher.stop();
    await store.close();
  });

  it('a request nobody picks up is withdrawn with a clear error', async () => {
    await expect(submitPrivacyRequest(tmp.dir, { op: 'delete-user', userId: 'u1' }, { timeoutMs: 200, pollMs: 20 }))
      .rejects.toMatchObject({ code: 'colloquy_privacy_request_timeout', message: expect.stringMatching(/withdrawn, nothing was deleted/) });
    expect(await readdir(requestsDir(tmp.dir))).toEqual([]);
  });

  it('a malformed request file is answered with an error, and the server stays up', async () => {
    const store = await createLowdbStore({ dir: tmp.dir });
    const logger = createFakeLogger();
    const watcher = await watchPrivacyRequests({ dataDir: tmp.dir, store, logger, pollMs: 50 });
    await expect(submitPrivacyRequest(tmp.dir, { op: 'retention', cutoff: 'yesterday' } as never, { timeoutMs: 10_000, pollMs: 20 }))
      .rejects.toMatchObject({ code: 'colloquy_usage' });
    expect(await submitPrivacyRequest(tmp.dir, { op: 'retention', cutoff: new Date().toISOString() }, { timeoutMs: 10_000, pollMs: 20 })).toMatchObject({ conversations: 0 });
    expect(logger.lines.some(([level, msg]) => level === 'error' && /privacy request failed/.test(msg))).toBe(true);
    await watcher.stop();
    await store.close();
  });
});

describe('scheduled retention', () => {
  it('deletes idle conversations at start, logging what it removed', async () => {
    const store = await createLowdbStore({ dir: tmp.dir });
    await store.update('old', () => createRecord('old', { updatedAt: '2020-01-01T00:00:00.000Z', turns: [createTurn('1')] }));
    await store.update('new', () => createRecord('new', { updatedAt: new Date().toISOString() }));
    const logger = createFakeLogger();
    const retention = startRetention({ store, maxAgeMs: parseAge('90d'), logger });
    expect(await retention.runNow()).toMatchObject({ conversations: 0 }); // the run at start already took it
    await retention.stop();
    expect(await store.get('old')).toBeUndefined();
    expect(await store.get('new')).toBeDefined();
    expect(logger.lines.map(([, msg]) => msg)).toContain('retention: removed 1 conversation, 1 turn, 0 temp files, 0 moved-aside corrupt files');
    await store.close();
  });

  it('ages: 90d, 12h, 30m; anything else is a usage error', () => {
    expect(parseAge('90d')).toBe(90 * 86_400_000);
    expect(parseAge('12h')).toBe(12 * 3_600_000);
    expect(parseAge('30m')).toBe(30 * 60_000);
    for (const bad of ['90', '0d', '-1d', '1.5d', 'd', '90 days']) expect(() => parseAge(bad)).toThrow(/positive age like 90d/);
    expect(describeDeletion({ conversations: 1, turns: 2 })).toBe('removed 1 conversation, 2 turns');
  });
});
