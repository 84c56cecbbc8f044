import { describe, expect, it } from 'vitest';
import { cleanDialogue, cleanText } from '../../src/data/clean.ts';

describe('cleanText', () => {
  it('always applies NFC and normalizes whitespace by default', () => {
    expect(cleanText(' Cafe\u0301 \t\n  au\u200B lait ')).toBe('Café au lait');
    expect(cleanText(' a  b ', { normalizeWhitespace: false })).toBe(' a  b ');
    expect(cleanText('Cafe\u0301', { normalizeWhitespace: false })).toBe('Café');
  });

  it('strips URLs (keeping sentence punctuation) and e-mails, and lowercases', () => {
    expect(cleanText('See https://example.com/a?b=1. Or www.x.org!', { stripUrls: true })).toBe('See . Or !');
    expect(cleanText('Mail Ann.Lee+cs@shop.co.uk today', { stripEmails: true, lowercase: true })).toBe('mail today');
    expect(cleanText('https://x.io', { stripUrls: false })).toBe('https://x.io');
  });

  it('caps length in code points without splitting surrogate pairs', () => {
    expect(cleanText('hello world', { maxTurnChars: 6 })).toBe('hello');
    expect(cleanText('ab😀cd', { maxTurnChars: 3 })).toBe('ab😀');
  });
});

describe('cleanDialogue', () => {
  const d = { id: 'a', turns: [{ speaker: 'user' as const, text: ' Hi ' }, { speaker: 'bot' as const, text: '  ' }] };

  it('drops empty turns by default and does not modify its input', () => {
    expect(cleanDialogue(d)).toEqual({ id: 'a', turns: [{ speaker: 'user', text: 'Hi' }] });
    expect(d.turns[0].text).toBe(' Hi ');
  });

  it('keeps empty turns when asked, and returns undefined when nothing is left', () => {
    expect(cleanDialogue(d, { dropEmptyTurns: false })?.turns).toHaveLength(2);
    expect(cleanDialogue({ id: 'b', turns: [{ speaker: 'user', text: ' ' }] })).toBeUndefined();
    expect(cleanDialogue({ id: 'b', turns: [{ speaker: 'user', text: ' ' }] }, { dropEmptyTurns: false })).toBeUndefined();
    expect(cleanDialogue({ id: 'c', turns: [] })).toBeUndefined();
  });
});
