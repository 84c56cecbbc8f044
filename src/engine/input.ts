/**
 * Incoming text, made safe to log and to feed the model: lone surrogates
 * become U+FFFD, Unicode is NFC, line breaks are `\n`, control characters
 * other than newline and tab are dropped, and the ends are trimmed.
 */

export type InputCheck = { ok: true; text: string; changed: boolean } | { ok: false; problem: 'empty' | 'too_long' };

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// C0 and C1 controls and DEL, except tab (\u0009) and newline (\u000A)
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

/**
 * Normalizes a message's text and checks it is non-empty and at most
 * `maxChars` characters (code points).
 *
 * @example
 * normalizeInput('  caf\u0065\u0301\u0007 ', 4000); // { ok: true, text: 'café', changed: true }
 */
export function normalizeInput(raw: unknown, maxChars: number): InputCheck {
  if (typeof raw !== 'string') return { ok: false, problem: 'empty' };
  // a UTF-16 string needs at most 2 units per code point: anything longer is too long before any work on it
  if (raw.length > maxChars * 2 + 1024) return { ok: false, problem: 'too_long' };
  const text = raw
    .replace(LONE_SURROGATE, '\uFFFD')
    .normalize('NFC')
    .replace(/\r\n?|\u2028|\u2029/g, '\n')
    .replace(CONTROL, '')
    .trim();
  if (!text) return { ok: false, problem: 'empty' };
  if (countCodePoints(text) > maxChars) return { ok: false, problem: 'too_long' };
  return { ok: true, text, changed: text !== raw };
}

function countCodePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) i++; // well-formed by now: a high surrogate has its pair
    n++;
  }
  return n;
}
