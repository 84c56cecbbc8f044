/** The lowdb store's channel state journal: one line per change, compacted, and a crash's torn line costs only that change. */
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openChannelStateFile } from '../../src/storage/channel-state-file.ts';
import { createFakeLogger } from '../engine/helpers/harness.ts';
import { createTempDir } from './fixtures/records.ts';

let tmp: Awaited<ReturnType<typeof createTempDir>>;
beforeEach(async () => { tmp = await createTempDir(); });
afterEach(async () => { await tmp.remove(); });

const lineCount = async () => (await readFile(join(tmp.dir, 'channel-state.jsonl'), 'utf8')).split('\n').filter(Boolean).length;

describe('channel state journal', () => {
  it('appends one line per change and rewrites the journal when most lines are stale', async () => {
    const logger = createFakeLogger();
    const state = await openChannelStateFile(tmp.dir, logger);
    await state.set('a', 1);
    await state.set('b', { x: 2 });
    expect(await lineCount()).toBe(2);
    for (let i = 0; i < 1200; i++) await state.set('counter', i, i % 2 ? 60_000 : undefined);
    expect(await lineCount()).toBeLessThan(300); // compacted on the way
    const again = await openChannelStateFile(tmp.dir, logger);
    expect([again.get('a'), again.get('b'), again.get('counter')]).toEqual([1, { x: 2 }, 1199]);
  });

  it('drops a torn last line and skips an unreadable one, keeping every other key', async () => {
    const state = await openChannelStateFile(tmp.dir, createFakeLogger());
    await state.set('kept', 'yes');
    await state.set('gone', 'soon');
    await state.set('gone', undefined);
    await appendFile(join(tmp.dir, 'channel-state.jsonl'), 'not json\n{"k":"late","v":');
    const logger = createFakeLogger();
    const again = await openChannelStateFile(tmp.dir, logger);
    expect([again.get('kept'), again.get('gone'), again.get('late')]).toEqual(['yes', undefined, undefined]);
    expect(logger.lines.filter(([level]) => level === 'warn').map(([, msg]) => msg).join(' ')).toMatch(/cut off by a crash/);
    expect(logger.lines.filter(([level]) => level === 'warn').map(([, msg]) => msg).join(' ')).toMatch(/unreadable lines skipped/);
  });
});
