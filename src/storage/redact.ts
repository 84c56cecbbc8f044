/**
 * Masks personal data in free text: emails, phone numbers, payment card
 * numbers (Luhn-checked) and IBANs (mod-97-checked). Used for corpus exports
 * and, when configured, for the conversation log itself.
 *
 * Numbers are found as "runs": digits with `-().` inside and single spaces
 * between groups. A run is never split inside a group, so an order number,
 * a time (`11:30`), a date or a price is left alone, and a 16-digit number
 * that fails the Luhn check is not masked as a card nor cut into a phone.
 */

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;

/** Two letters, two check digits, then 11–30 letters/digits, optionally in groups of four. */
const IBAN = /\b[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]{4}){2,7}(?: ?[A-Za-z0-9]{1,3})?\b/g;

/**
 * A number run: starts with `+`, `(` or a digit that is not glued to a word,
 * `#`, a currency sign, or number punctuation after a digit (`11:30`, `12/05`);
 * continues over digits, `().-` and single spaces; must not run into a word or
 * into punctuation that continues a number. Trailing separators are trimmed after.
 */
const RUN = /(?<![\p{L}\p{N}_#@$€£¥%+])(?<![\p{L}\p{N}][-/.,])(?<!\p{N}:)\+?\(?\d(?:[\d().-]|(?<! ) )*(?![\p{L}\p{N}_]|[:/.,-]\p{N})/gu;

/** At most this many space-separated groups form one card or phone (`+33 6 12 34 56 78` is six). */
const MAX_GROUPS = 8;

const DATE = /^\d{1,4}([-.])\d{1,2}\1\d{1,4}$/;

/**
 * True when the digits pass the Luhn checksum (payment cards).
 *
 * @example
 * luhnValid('4111111111111111'); // true
 * luhnValid('4111111111111112'); // false
 */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (d < 0 || d > 9) return false;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/**
 * True when `candidate` (spaces allowed) is a well-formed IBAN: 15–34
 * characters and the ISO 13616 mod-97 check equals 1.
 *
 * @example
 * ibanValid('DE89 3704 0044 0532 0130 00'); // true
 */
export function ibanValid(candidate: string): boolean {
  const s = candidate.replace(/ /g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(s)) return false;
  const rearranged = s.slice(4) + s.slice(0, 4);
  let rem = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const value = code >= 65 ? String(code - 55) : ch;
    for (const digit of value) rem = (rem * 10 + (digit.charCodeAt(0) - 48)) % 97;
  }
  return rem === 1;
}

const digitsOf = (s: string): string => s.replace(/\D/g, '');

/** Groups of digits joined by dots, at least three groups (`4111.1111.1111.1111`); one dot is a decimal number, not a card. */
const DOTTED_GROUPS = /^\d{3,6}(?:\.\d{3,6}){2,5}$/;

/** Card shape: 13–19 digits, dashes, spaces or dotted groups as inner separators, not starting with 0 (no issuer does), Luhn-valid. */
function isCard(span: string): boolean {
  if (/[^\d -]/.test(span) && !DOTTED_GROUPS.test(span)) return false;
  const d = digitsOf(span);
  return d.length >= 13 && d.length <= 19 && d[0] !== '0' && luhnValid(d);
}

/** Phone shape: international (`+` and 8–15 digits), US (10, or 11 with a leading 1), national with a trunk 0, or US local `555-1234`. */
function isPhone(span: string): boolean {
  if (DATE.test(span)) return false;
  if ((span.match(/\(/g)?.length ?? 0) !== (span.match(/\)/g)?.length ?? 0)) return false;
  const d = digitsOf(span);
  if (span.startsWith('+')) return d.length >= 8 && d.length <= 15;
  if (d.length === 10) return true;
  if (d.length === 11) return d.startsWith('1') || d.startsWith('0');
  if (d.length === 9) return d.startsWith('0');
  return /^\d{3}[-.]\d{4}$/.test(span);
}

/**
 * Finds, among the space-separated groups of a run, the longest contiguous
 * spans accepted by `accept` (left to right, not overlapping) and returns the
 * groups with those spans replaced by `mask`.
 */
function maskSpans(groups: string[], accept: (span: string) => boolean, mask: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < groups.length) {
    let end = -1;
    for (let j = Math.min(groups.length, i + MAX_GROUPS); j > i && end < 0; j--) {
      if (accept(groups.slice(i, j).join(' '))) end = j;
    }
    if (end < 0) {
      out.push(groups[i]);
      i++;
    } else {
      out.push(mask);
      i = end;
    }
  }
  return out;
}

/** Masks the cards and phones of one number run. */
function redactRun(run: string): string {
  const groups = run.split(' ');
  const withCards = maskSpans(groups, isCard, '[card]');
  const anyCard = withCards.includes('[card]');
  const runDigits = digitsOf(run).length;
  // A card-shaped run (13–19 digits, no +) that is not a valid card stays whole.
  if (!anyCard && !run.startsWith('+') && runDigits >= 13 && runDigits <= 19) return run;
  // Phones are looked for between the cards, never across them.
  const out: string[] = [];
  let chunk: string[] = [];
  const flush = () => {
    if (chunk.length > 0) out.push(...maskSpans(chunk, isPhone, '[phone]'));
    chunk = [];
  };
  for (const g of withCards) {
    if (g === '[card]') {
      flush();
      out.push(g);
    } else chunk.push(g);
  }
  flush();
  return out.join(' ');
}

/**
 * Masks emails (`[email]`), IBANs (`[iban]`), payment card numbers (`[card]`)
 * and phone numbers (`[phone]`) in `text`. Idempotent: masking masked text
 * changes nothing.
 *
 * @example
 * redactText('I am ana@example.com, card 4111 1111 1111 1111, call +44 20 7946 0958');
 * // → 'I am [email], card [card], call [phone]'
 * redactText('order #48213 at 11:30'); // unchanged
 */
export function redactText(text: string): string {
  if (!/\d|@/.test(text)) return text;
  return text
    .replace(EMAIL, '[email]')
    .replace(IBAN, (m) => (ibanValid(m) ? '[iban]' : m))
    .replace(RUN, (m) => {
      // Keep trailing separators ("555-1234." ends a sentence) and an unopened ')' outside the run.
      let end = m.length;
      while (end > 0 && !/[\d)]/.test(m[end - 1])) end--;
      if (m[end - 1] === ')' && !m.slice(0, end).includes('(')) end--;
      return redactRun(m.slice(0, end)) + m.slice(end);
    });
}
