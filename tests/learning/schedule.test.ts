/** `serve --schedule nightly`: when runs fire, and a real scheduled run in a child process. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextRunAt, NIGHTLY, parseSchedule, startRetrainSchedule } from '../../src/learning/schedule.ts';
import { createLogger } from '../../src/logger.ts';
import { createLowdbStore } from '../../src/storage/lowdb-store.ts';
import { snapshotDir, tempDir, trainTinyModel } from '../helpers/tiny.ts';
import { putConversation } from './fixtures.ts';

describe('the nightly schedule', () => {
  it('fires at the next 03:00 local time, or at the time given', () => {
    expect(nextRunAt(NIGHTLY, new Date(2026, 0, 10, 2, 59))).toEqual(new Date(2026, 0, 10, 3, 0));
    expect(nextRunAt(NIGHTLY, new Date(2026, 0, 10, 3, 0))).toEqual(new Date(2026, 0, 11, 3, 0));
    expect(nextRunAt(parseSchedule('nightly@23:45'), new Date(2026, 0, 31, 23, 50))).toEqual(new Date(2026, 1, 1, 23, 45));
  });

  it('rejects anything else, naming the flag', () => {
    for (const bad of ['hourly', 'nightly@24:00', 'nightly@3', '']) expect(() => parseSchedule(bad)).toThrow(/--schedule must be "nightly"/);
  });
});

describe('a scheduled run', () => {
  let root: string;
  beforeAll(async () => {
    root = await tempDir('schedule');
    await trainTinyModel(path.join(root, 'models', 'default'), 'wasm', { training: { epochs: 2 } });
    const store = await createLowdbStore({ dir: path.join(root, 'log') });
    await putConversation(store, 'w1', [['user', 'hi'], ['bot', 'hello']]); // nobody reviewed it
    await store.close();
  }, 120_000);
  afterAll(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  it('runs colloquy retrain in a child process and logs why nothing changed', async () => {
    const lines: string[] = [];
    const before = await snapshotDir(path.join(root, 'models'));
    const scheduler = startRetrainSchedule({ schedule: NIGHTLY, dataDir: path.join(root, 'log'), modelsDir: path.join(root, 'models'), logger: createLogger({ level: 'info', write: (l) => lines.push(l) }) });
    try {
      expect(scheduler.nextRun.getTime()).toBeGreaterThan(Date.now());
      expect(await scheduler.runNow()).toBe('failed');
    } finally {
      await scheduler.stop();
    }
    const log = lines.join('\n');
    expect(log).toMatch(/scheduled retrain: next run at/);
    expect(log).toMatch(/\[warn\] scheduled retrain: nothing was changed exitCode=1 reason=error: There are no usable conversations.*1 unreviewed/);
    expect(await snapshotDir(path.join(root, 'models'))).toEqual(before);
  });
});
