/**
 * Text cleaning applied to every turn a corpus reader loads: Unicode NFC
 * always, then optional URL/e-mail stripping, lowercasing, whitespace
 * normalization and length capping.
 */
import type { Dialogue, Turn } from './dialogue.ts';

/**
 * How turn text is cleaned. Everything is off except NFC, whitespace normalization and dropping empty turns.
 *
 * @example
 * const opts: CleanOptions = { lowercase: true, stripUrls: true, maxTurnChars: 500 };
 */
export interface CleanOptions {
  /** Lowercase all text (locale-independent). Default false. */
  lowercase?: boolean;
  /** Remove `http(s)://…` and `www.…` links. Default false. */
  stripUrls?: boolean;
  /** Remove e-mail addresses. Default false. */
  stripEmails?: boolean;
  /** Cut each turn to at most this many characters (code points). Default: no limit. */
  maxTurnChars?: number;
  /** Collapse runs of whitespace to one space, trim, drop zero-width characters. Default true. */
  normalizeWhitespace?: boolean;
  /** Drop turns whose text is empty after cleaning. Default true. */
  dropEmptyTurns?: boolean;
}

const URL_RE = /\b(?:https?:\/\/|www\.)[^\s<>"]+/giu;
const EMAIL_RE = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;
/** Punctuation that usually ends the sentence around a link rather than belonging to it. */
const URL_TRAILER_RE = /[.,;:!?)\]}'»]+$/u;
const ZERO_WIDTH_RE = /[\u200B-\u200D\u2060\uFEFF]/gu;
const WHITESPACE_RE = /\s+/gu;

/**
 * Cleans one turn's text according to `opts`.
 *
 * @example
 * cleanText('  Visit https://x.io  NOW ', { stripUrls: true, lowercase: true }); // 'visit now'
 */
export function cleanText(text: string, opts: CleanOptions = {}): string {
  let out = text.normalize('NFC');
  if (opts.stripEmails) out = out.replace(EMAIL_RE, '');
  if (opts.stripUrls) {
    out = out.replace(URL_RE, (url) => URL_TRAILER_RE.exec(url)?.[0] ?? '');
  }
  if (opts.lowercase) out = out.toLowerCase();
  if (opts.normalizeWhitespace ?? true) {
    out = out.replace(ZERO_WIDTH_RE, '').replace(WHITESPACE_RE, ' ').trim();
  }
  const max = opts.maxTurnChars;
  if (max !== undefined && Number.isFinite(max) && max >= 0) {
    const chars = Array.from(out);
    if (chars.length > max) out = chars.slice(0, Math.floor(max)).join('').trimEnd();
  }
  return out;
}

/**
 * Cleans every turn of a dialogue. Returns undefined when nothing usable is
 * left (no turns, or only empty ones). The input is not modified.
 *
 * @example
 * cleanDialogue({ id: 'a', turns: [{ speaker: 'user', text: ' Hi ' }, { speaker: 'bot', text: ' ' }] });
 * // { id: 'a', turns: [{ speaker: 'user', text: 'Hi' }] }
 */
export function cleanDialogue(d: Dialogue, opts: CleanOptions = {}): Dialogue | undefined {
  const dropEmpty = opts.dropEmptyTurns ?? true;
  const turns: Turn[] = [];
  let nonEmpty = 0;
  for (const turn of d.turns) {
    if (turn.speaker === 'action') {
      turns.push(turn); // the backend's data, kept exactly as it came
      continue;
    }
    const text = cleanText(turn.text, opts);
    if (text.length === 0 && dropEmpty) continue;
    if (text.length > 0) nonEmpty++;
    turns.push({ speaker: turn.speaker, text });
  }
  if (nonEmpty === 0) return undefined;
  return { ...d, turns };
}
