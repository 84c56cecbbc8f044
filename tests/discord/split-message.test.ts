import { describe, expect, it } from 'vitest';
import { firstPiece, splitMessage } from '../../adapters/discord/split-message.ts';

describe('splitMessage (Discord’s 2,000-character limit)', () => {
  it('leaves a short text whole and drops blank input', () => {
    expect(splitMessage('  hello  ')).toEqual(['hello']);
    expect(splitMessage('   ')).toEqual([]);
  });

  it('cuts at the last line break, else the last space, within the limit', () => {
    expect(splitMessage('aaaa bbbb\ncccc dddd', 12)).toEqual(['aaaa bbbb', 'cccc dddd']);
    expect(splitMessage('aaaa bbbb cccc dddd', 12)).toEqual(['aaaa bbbb', 'cccc dddd']);
    const long = Array.from({ length: 500 }, (_, i) => `line ${i} of the answer`).join('\n');
    const parts = splitMessage(long);
    expect(parts.every((p) => p.length <= 2000)).toBe(true);
    expect(parts.join('\n')).toBe(long);
  });

  it('cuts one endless word at the limit without splitting an emoji', () => {
    expect(splitMessage('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
    const parts = splitMessage('ab😀cd', 3);
    expect(parts).toEqual(['ab', '😀c', 'd']);
  });

  it('firstPiece is what a streamed message shows', () => {
    expect(firstPiece(' word '.repeat(600))).toBe(splitMessage(' word '.repeat(600))[0]);
    expect(firstPiece(' short ')).toBe('short');
  });
});
