/**
 * Where an action's values stand in a reply, for slot tokens: a value an
 * action answered, written as one token naming its field and filled in with
 * the value when the reply is decoded (see `Tokenizer.encode`).
 */

/** A value found in text: `[at, end)`, the value alone (a space before it stays with the text before). */
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
 * value two keys share) stands in `text` as a whole word or phrase (no letter
 * or digit touching it: "UPS," and "$235" count, "UPSTAIRS" does not),
 * compared without case; longer values first, never overlapping.
 *
 * @example
 * slotSpans('Call 408-971-8523 now.', [['phone_number', '408-971-8523']]);
 * // [{ at: 5, end: 17, key: 'phone_number' }]
 */
export function slotSpans(text: string, values: Iterable<readonly [string, string]>): SlotSpan[] {
  const byValue = new Map<string, string>();
  for (const [key, value] of values) {
    const v = value.trim().toLowerCase();
    if (v && v.length <= MAX_SLOT_VALUE && !byValue.has(v)) byValue.set(v, key);
  }
  if (byValue.size === 0) return [];
  const lower = text.toLowerCase();
  const taken = new Uint8Array(text.length);
  const spans: SlotSpan[] = [];
  for (const [value, key] of [...byValue].sort((a, b) => b[0].length - a[0].length)) {
    for (let at = lower.indexOf(value); at >= 0; at = lower.indexOf(value, at + 1)) {
      const end = at + value.length;
      if ((at > 0 && LETTER_OR_DIGIT.test(lower[at - 1])) || (end < lower.length && LETTER_OR_DIGIT.test(lower[end]))) continue;
      if (taken.subarray(at, end).some((x) => x === 1)) continue;
      taken.fill(1, at, end);
      spans.push({ at, end, key });
    }
  }
  return spans.sort((a, b) => a.at - b.at);
}
