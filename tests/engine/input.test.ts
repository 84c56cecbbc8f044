import { describe, expect, it } from 'vitest';
import { normalizeInput } from '../../src/engine/input.ts';
import { createHarness } from './helpers/harness.ts';

describe('normalizeInput', () => {
  it('composes to NFC, drops control characters but keeps newlines and tabs, and trims', () => {
    expect(normalizeInput('  cafe\u0301\u0007 and\ttea\r\nplease\u0000 ', 100)).toEqual({ ok: true, text: 'café and\ttea\nplease', changed: true });
  });

  it('replaces lone surrogates and keeps paired ones', () => {
    expect(normalizeInput('a\uD800b\uDC00c 😀', 100)).toEqual({ ok: true, text: 'a\uFFFDb\uFFFDc 😀', changed: true });
  });

  it('counts characters as code points', () => {
    expect(normalizeInput('😀'.repeat(10), 10)).toMatchObject({ ok: true });
    expect(normalizeInput('😀'.repeat(11), 10)).toEqual({ ok: false, problem: 'too_long' });
  });

  it('calls text with nothing left, or no text at all, empty', () => {
    expect(normalizeInput(' \n\t\u0001 ', 100)).toEqual({ ok: false, problem: 'empty' });
    expect(normalizeInput(undefined, 100)).toEqual({ ok: false, problem: 'empty' });
  });
});

describe('bad input in the engine', () => {
  const cases: Array<[string, unknown, string]> = [
    ['empty', '', 'empty'],
    ['whitespace', '   \n\t ', 'empty'],
    ['4,001 characters', 'a'.repeat(4001), 'too long'],
    ['not a string', undefined, 'empty'],
  ];
  for (const [name, text, says] of cases) {
    it(`answers ${name} text politely, asks nothing of the model and logs nothing`, async () => {
      // Arrange
      const h = createHarness();

      // Act
      const said = await h.send(text as string);

      // Assert
      expect(said.kind).toBe('notice');
      expect(said.text).toContain(says);
      expect(said.turnId).toBeUndefined();
      expect(h.generator.calls).toHaveLength(0);
      expect(await h.store.get('c1')).toBeUndefined();
    });
  }

  it('accepts exactly 4,000 characters', async () => {
    const h = createHarness();

    expect((await h.send('a'.repeat(4000))).kind).toBe('reply');
  });

  it('names the configured limit in the too-long message', async () => {
    const h = createHarness({ options: { maxMessageChars: 10 } });

    expect((await h.send('a'.repeat(11))).text).toContain('10 characters');
  });

  it('cleans control characters and lone surrogates, then answers the rest', async () => {
    // Arrange
    const h = createHarness();

    // Act
    const said = await h.send('where\u0000 is my\u001b order\uD83D?');

    // Assert
    expect(said.kind).toBe('reply');
    expect(h.generator.calls[0].context).toEqual([{ speaker: 'user', text: 'where is my order\uFFFD?' }]);
    expect((await h.record()).turns[0].text).toBe('where is my order\uFFFD?');
  });

  it('treats text of only control characters as empty', async () => {
    const h = createHarness();

    expect((await h.send('\u0000\u0007\u001b')).text).toBe(h.engine.options.messages.empty);
  });
});
