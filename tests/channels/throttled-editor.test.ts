import { describe, expect, it } from 'vitest';
import { createThrottledEditor } from '../../src/channels/throttled-editor.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function recorder(delayMs = 0) {
  const edits: Array<{ text: string; at: number; running: number }> = [];
  let running = 0;
  return {
    edits,
    async edit(text: string) {
      running++;
      edits.push({ text, at: Date.now(), running });
      await sleep(delayMs);
      running--;
    },
  };
}

describe('throttled editor', () => {
  it('coalesces a fast token stream into few edits, spaced by the interval, ending on the final text', async () => {
    const r = recorder(5);
    const editor = createThrottledEditor({ edit: r.edit, intervalMs: 60 });
    let text = '';
    for (let i = 0; i < 40; i++) {
      text += `w${i} `;
      editor.update(text);
      await sleep(5);
    }
    await editor.finish(text.trim());
    expect(r.edits.length).toBeGreaterThan(1);
    expect(r.edits.length).toBeLessThan(10);
    expect(r.edits.at(-1)!.text).toBe(text.trim());
    for (let i = 1; i < r.edits.length; i++) expect(r.edits[i]!.at - r.edits[i - 1]!.at).toBeGreaterThanOrEqual(55);
    expect(Math.max(...r.edits.map((e) => e.running))).toBe(1);
  });

  it('writes a text finished before the first write is due once, whole', async () => {
    const r = recorder();
    const editor = createThrottledEditor({ edit: r.edit, intervalMs: 200 });
    editor.update('a');
    await sleep(20);
    editor.update('a b');

    await editor.finish('a b c');

    expect(r.edits.map((e) => e.text)).toEqual(['a b c']);
  });

  it('never lets a late intermediate edit overwrite the final text', async () => {
    const r = recorder(40);
    const editor = createThrottledEditor({ edit: r.edit, intervalMs: 10 });
    editor.update('a');
    await sleep(15);
    editor.update('a b');
    await editor.finish('final');
    await sleep(80);
    expect(r.edits.at(-1)!.text).toBe('final');
  });

  it('reports a failed intermediate edit and still shows the final text', async () => {
    const errors: unknown[] = [];
    const shown: string[] = [];
    let calls = 0;
    const editor = createThrottledEditor({
      intervalMs: 5,
      onError: (e) => errors.push(e),
      edit: async (t) => {
        if (calls++ === 0) throw new Error('ratelimited');
        shown.push(t);
      },
    });
    editor.update('partial');
    await sleep(20);
    await editor.finish('done');
    expect(errors).toHaveLength(1);
    expect(shown).toEqual(['done']);
  });
});
