/**
 * Facts a reply states: the things a customer-service bot must not invent —
 * e-mails, URLs, phone numbers, amounts, times, dates, other digit strings
 * (order numbers, counts) and names (capitalized words not opening a
 * sentence; a capitalized word opening one joins the name after it unless it
 * is a word sentences open with, so "Doublett By Hilton Hotel" is one name).
 * Each fact has a normalized key, so "11:30 am" and an action's "11:30",
 * "March 7th" and "2019-03-07", "$25" and "25.00" match.
 */

export type FactKind = 'email' | 'url' | 'phone' | 'money' | 'time' | 'date' | 'number' | 'name';

export interface Fact {
  kind: FactKind;
  /** As written. */
  text: string;
  /** Normalized forms; a fact is supported when any of them is among the conversation's. */
  keys: string[];
  /**
   * A name's first word when it opens a sentence: it may be an ordinary word
   * ("Book Hilton Tower?") or part of the name ("Doublett By Hilton Hotel");
   * the check decides by whether the conversation uses it in lower case.
   */
  opener?: string;
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const MONTH_RE = '(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
/** Capitalized words that are not names wherever they stand. */
const NOT_NAMES = new Set(['i', "i'm", "i'll", "i've", "i'd", 'ok', 'okay', 'hi', 'hello', 'hey', 'thanks', 'please', 'sorry', 'yes', 'no', 'mr', 'mrs', 'ms', 'dr', 'fahrenheit', 'celsius']);
/** Words sentences open with that never start a name after them ("The Hilton", "Your UPS parcel"); the words of NOT_NAMES are such words too. */
const SENTENCE_OPENERS = new Set(
  ("a an the this that these those there here it its it's you your you're we our they their he his she her my me " +
    'at in on by for from with to of and but or so also then now today tomorrow sure great good perfect alright ' +
    "how what when where which who why would could can do does did is are was were will shall should may might must let " +
    "there's here's that's what's unfortunately enjoy welcome congratulations oh well just all both each every some any one " +
    'another other not only maybe perhaps thank hope glad happy nice try play book call visit check see go get find make take have pick choose ' +
    'once after before if while since because as until unless though although'
  ).split(' '),
);

interface Rule {
  kind: FactKind;
  re: RegExp;
  keys: (m: RegExpExecArray) => string[];
}

const RULES: Rule[] = [
  { kind: 'email', re: /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu, keys: (m) => [`e:${m[0].toLowerCase()}`] },
  { kind: 'url', re: /\b(?:https?:\/\/|www\.)[^\s<>"]+[^\s<>".,;:!?)]/giu, keys: (m) => [`u:${m[0].toLowerCase().replace(/^https?:\/\/(www\.)?|^www\./, '').replace(/\/$/, '')}`] },
  { kind: 'phone', re: /(?<![\w.])(?:\+?\d{1,3}[\s.-]?)?\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}(?![\w])/g, keys: (m) => [digitKey(m[0]), digitKey(m[0].replace(/^\+\d{1,3}[\s.-]?/, ''))] },
  { kind: 'money', re: /(?:[$€£]\s?\d[\d,]*(?:\.\d+)?|\b\d[\d,]*(?:\.\d+)?\s?(?:dollars|usd|eur|euros?|pounds|gbp)\b)/giu, keys: (m) => [numberKey(m[0])] },
  { kind: 'time', re: /\b(\d{1,2})(?::(\d{2}))?\s?([ap])\.?m\.?(?![a-z])|\b(\d{1,2}):(\d{2})\b/giu, keys: timeKeys },
  { kind: 'date', re: new RegExp(`\\b(\\d{4})-(\\d{2})-(\\d{2})\\b|\\b${MONTH_RE}\\.?\\s+(\\d{1,3})(?:st|nd|rd|th)?\\b|\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH_RE}\\b`, 'giu'), keys: dateKeys },
  // codes of letters and digits (tracking numbers, SKUs): one fact, not a number and a name
  { kind: 'number', re: /(?<![\p{L}\p{N}])(?=[\p{L}]*\d)(?=\d*\p{L})[\p{L}\p{N}]{6,}(?![\p{L}\p{N}])/gu, keys: (m) => [`c:${m[0].toLowerCase()}`] },
  { kind: 'number', re: /(?<![\p{L}])#?\d+(?:[.,]\d+)*/gu, keys: (m) => [digitKey(m[0]), numberKey(m[0])] },
];

/**
 * The facts a text states, in order of appearance.
 *
 * @example
 * extractFacts('Order 48213 ships March 7th from Union Station.').map((f) => f.text); // ['48213', 'March 7th', 'Union Station']
 */
export function extractFacts(text: string): Fact[] {
  return extractFactSpans(text).map(({ at: _at, end: _end, ...f }) => f);
}

/** {@link extractFacts} with where each fact stands in the text (`end` exclusive). */
export function extractFactSpans(text: string): Array<Fact & { at: number; end: number }> {
  const found: Array<Fact & { at: number }> = [];
  let masked = text;
  for (const rule of RULES) {
    rule.re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = rule.re.exec(masked))) {
      found.push({ kind: rule.kind, text: m[0].trim(), keys: rule.keys(m), at: m.index + m[0].length - m[0].trimStart().length });
      // blank what matched, so its digits are not found again as a shorter fact
      masked = masked.slice(0, m.index) + ' '.repeat(m[0].length) + masked.slice(m.index + m[0].length);
    }
  }
  for (const name of names(masked, text)) if (!/[\p{L}\p{N}]/u.test(text[name.at - 1] ?? '')) found.push(name); // not the letters inside "1ZA4…"
  return found.sort((a, b) => a.at - b.at).map((f) => ({ ...f, end: f.at + f.text.length }));
}

/**
 * Runs of capitalized words that do not open a sentence (a word after `.`,
 * `!`, `?`, a line start or a quote opens one), found in `masked` (the text
 * with the other facts blanked) and judged by `text` (so the period of
 * "at 5 pm. The…" still opens "The" a sentence).
 */
function names(masked: string, text: string): Array<Fact & { at: number }> {
  const out: Array<Fact & { at: number }> = [];
  const re = /\p{Lu}[\p{L}'’&-]*(?:\s+(?:of\s+|the\s+|de\s+)?\p{Lu}[\p{L}'’&-]*)*/gu;
  let m: RegExpExecArray | null;
  while ((m = re.exec(masked))) {
    let words = m[0].split(/\s+/);
    let at = m.index;
    let opener: string | undefined;
    if (opensSentence(text, at)) {
      const first = folded(words[0]);
      if (words.length > 1 && !SENTENCE_OPENERS.has(first) && !NOT_NAMES.has(first) && !MONTHS.includes(first)) opener = words[0];
      else {
        at += words[0].length + 1;
        words = words.slice(1);
        while (words.length && /^(of|the|de)$/.test(words[0])) {
          at += words[0].length + 1;
          words = words.slice(1);
        }
      }
    }
    words = words.filter((w) => !NOT_NAMES.has(folded(w)));
    if (!words.length || MONTHS.includes(words[0].toLowerCase()) || (opener !== undefined && words.length === 1)) continue;
    const phrase = words.join(' ');
    out.push({ kind: 'name', text: phrase, keys: [nameKey(phrase)], at, ...(opener !== undefined ? { opener } : {}) });
  }
  return out;
}

function opensSentence(text: string, at: number): boolean {
  const before = text.slice(0, at).replace(/[\s"“'‘(«¡¿*-]+$/u, '');
  return before === '' || /[.!?:\n]$/.test(before);
}

/** `n:` plus a name's lowercase words: how names are compared (users type them in lower case). */
export function nameKey(phrase: string): string {
  return `n:${folded(phrase).replace(/'s$/, '').replace(/\s+/g, ' ')}`;
}

function digitKey(s: string): string {
  return `d:${s.replace(/\D/g, '')}`;
}

/** `v:` plus the numeric value ("25.00" and "$25" → v:25; "1,200" → v:1200). */
function numberKey(s: string): string {
  const n = Number(s.replace(/[^\d.]/g, '').replace(/\.$/, ''));
  return Number.isFinite(n) ? `v:${n}` : digitKey(s);
}

function timeKeys(m: RegExpExecArray): string[] {
  const pad = (h: number, min: string) => `t:${String(h % 24).padStart(2, '0')}:${min}`;
  if (m[1] !== undefined) {
    const h = Number(m[1]) % 12 + (m[3].toLowerCase() === 'p' ? 12 : 0);
    return [pad(h, m[2] ?? '00')];
  }
  const h = Number(m[4]);
  return h <= 12 ? [pad(h, m[5]), pad(h + 12, m[5])] : [pad(h, m[5])];
}

function dateKeys(m: RegExpExecArray): string[] {
  if (m[1] !== undefined) return [`dt:${Number(m[2])}-${Number(m[3])}`];
  const month = monthOf(m[0]);
  const day = Number(m[4] ?? m[5]);
  return month ? [`dt:${month}-${day}`] : [];
}

function monthOf(text: string): number | undefined {
  const word = /[a-z]{3,}/i.exec(text.replace(/^\d+\w*\s+(of\s+)?/i, ''))?.[0].toLowerCase();
  const i = word ? MONTHS.findIndex((name) => name.startsWith(word.slice(0, 3))) : -1;
  return i >= 0 ? i + 1 : undefined;
}

/** Lower case with a typographic apostrophe as a plain one, as NOT_NAMES, SENTENCE_OPENERS and name keys spell words. */
function folded(text: string): string {
  return text.toLowerCase().replace(/’/g, "'");
}
