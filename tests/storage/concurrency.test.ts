import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLowdbStore } from '../../src/storage/lowdb-store.ts';
import { appendTurn, collect, createTempDir, createTurn } from './fixtures/records.ts';

let tmp: Awaited<ReturnType<typeof createTempDir>>;
beforeEach(async () => { tmp = await createTempDir(); });
afterEach(async () => { await tmp.remove(); });

describe('concurrent writers', () => {
  it('stores 100 conversations × 10 messages sent all at once: every turn once, in order', async () => {
    const store = await createLowdbStore({ dir: tmp.dir, maxOpenFiles: 32 });
    const conversations = Array.from({ length: 100 }, (_, c) => `web:${c}`);
    const writes = [];
    for (let m = 0; m < 10; m++) {
      for (const id of conversations) writes.push(store.update(id, appendTurn(id, createTurn(`${id}/${m}`))));
    }
    await Promise.all(writes);
    await store.close();

    const reopened = await createLowdbStore({ dir: tmp.dir });
    for (const id of conversations) {
      const turns = (await reopened.get(id))!.turns.map((t) => t.id);
      expect(turns).toEqual(Array.from({ length: 10 }, (_, m) => `${id}/${m}`));
    }
    const summaries = await collect(reopened.list());
    expect(summaries).toHaveLength(100);
    expect(summaries.every((s) => s.turns === 10)).toBe(true);
    await reopened.close();
  });
});

describe('SIGKILL during a burst of writes', () => {
  it('keeps every acknowledged turn', async () => {
    const script = fileURLToPath(new URL('./fixtures/append-burst.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, tmp.dir, '8'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acked = new Map<string, string[]>();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    let buffer = '';
    let count = 0;
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        buffer += d.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop()!;
        for (const line of lines) {
          const [kind, id, turn] = line.split(' ');
          if (kind !== 'ack') continue;
          acked.set(id, [...(acked.get(id) ?? []), turn]);
          // Kill mid-burst, at an arbitrary point once writes are flowing.
          if (++count === 300) { child.kill('SIGKILL'); resolve(); }
        }
      });
      child.on('exit', () => reject(new Error(`child exited before the kill: ${stderr}`)));
    });
    expect(await exited).toBe('SIGKILL');

    const store = await createLowdbStore({ dir: tmp.dir });
    let checked = 0;
    for (const [id, turns] of acked) {
      const stored = (await store.get(id))!.turns.map((t) => t.id);
      // Every acknowledged turn is there, once, in order; at most the in-flight ones follow.
      expect(stored.slice(0, turns.length)).toEqual(turns);
      expect(new Set(stored).size).toBe(stored.length);
      const summary = (await collect(store.list())).find((s) => s.id === id)!;
      expect(summary.turns).toBe(stored.length);
      checked += turns.length;
    }
    expect(checked).toBeGreaterThanOrEqual(300);
    await store.close();
  });
});
