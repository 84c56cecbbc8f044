/**
 * Where an action's values stand in a reply, for slot tokens: a value an
 * action answered, written as one token naming its field and filled in with
 * the value when the reply is decoded (see `Tokenizer.encode`).
 */

/** A value found in text: `[at, end)` of the prepared text, its leading space included. */
export interface SlotSpan {
  at: number;
  end: number;
  key: string;
}

/** Values longer than this (characters) are never written as a slot. */
export const MAX_SLOT_VALUE = 60;

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/**
 * The places a value from `values` (`[key, value]`, the first key winning a
 * value two keys share) stands in `prepared` — text as `prepareTurn` gives it,
 * each word after a space — as a whole word or phrase after a space, compared
 * without case; longer values first, never overlapping.
 *
 * @example
 * slotSpans(' Call 408-971-8523 now.', [['phone_number', '408-971-8523']]);
 * // [{ at: 5, end: 18, key: 'phone_number' }]
 */
export function slotSpans(prepared: string, values: Iterable<readonly [string, string]>): SlotSpan[] {
  const byValue = new Map<string, string>();
  for (const [key, value] of values) {
    const v = value.trim().toLowerCase();
    if (v && v.length <= MAX_SLOT_VALUE && !byValue.has(v)) byValue.set(v, key);
  }
  if (byValue.size === 0) return [];
  const lower = prepared.toLowerCase();
  const taken = new Uint8Array(prepared.length);
  const spans: SlotSpan[] = [];
  for (const [value, key] of [...byValue].sort((a, b) => b[0].length - a[0].length)) {
    const needle = ' ' + value;
    for (let at = lower.indexOf(needle); at >= 0; at = lower.indexOf(needle, at + 1)) {
      const end = at + needle.length;
      if (end < lower.length && LETTER_OR_DIGIT.test(lower[end])) continue;
      if (taken.subarray(at, end).some((x) => x === 1)) continue;
      taken.fill(1, at, end);
      spans.push({ at, end, key });
    }
  }
  return spans.sort((a, b) => a.at - b.at);
}
