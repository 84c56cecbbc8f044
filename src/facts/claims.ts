/**
 * Claims a reply makes about an action's answer without quoting it: "it's in
 * transit" says an order's status is `shipped` as surely as the word itself.
 * The fact check's digits-and-names rules cannot see those, so a reply that
 * reads "in transit" after a lookup that said `delivered` would pass.
 *
 * The phrases are learned from the corpus: for every categorical field of an
 * action's results (a few distinct short values, such as a status or a
 * carrier), the word sequences that the reply right after that action uses
 * almost only when the field has one value. A reply right after the action
 * that uses a phrase of another value than the results hold contradicts them.
 * Learned, not listed: any corpus with action turns gets its own phrases (the
 * shop's "shows as delivered", "FedEx expects"; `npx tsx bench/claims.ts`
 * shows a corpus's).
 */
import { nameAsWords, RECORDS_SHOWN } from '../data/action-text.ts';
import { actionOf, isBotSide, type ActionCall, type ActionValue, type Dialogue, type Turn } from '../data/dialogue.ts';

/** A phrase that, in the reply right after `action`, states `field` is `value`. */
export interface ClaimPhrase {
  action: string;
  field: string;
  value: string;
  phrase: string;
  /** Training replies that used the phrase after a result with this value. */
  support: number;
}

/** How phrases are learned. */
export interface ClaimLearning {
  /** Longest phrase, in words (default 4). */
  maxWords?: number;
  /** Fewest training replies that use a phrase with one value (default 10). */
  minSupport?: number;
  /** Least share of the replies right after the action using a phrase that follow that value (default 0.95). */
  minPrecision?: number;
  /** Least share of all the bot replies using a phrase that are right after the action: phrases of other talk are no claims (default 0.5). */
  minAnswerShare?: number;
  /**
   * Most a phrase may occur after the field's other values, as a share of how
   * often it would if it did not depend on the value (default 0.2): with one
   * value in 97 % of the answers, "a flight with" follows it 97 % of the time
   * without saying anything about it.
   */
  maxOtherRate?: number;
  /** Most distinct values a field may have to count as categorical (default 12). */
  maxValues?: number;
  /** Most phrases kept per field, the best supported first (default 300). */
  maxPhrasesPerField?: number;
}

const DEFAULTS: Required<ClaimLearning> = { maxWords: 4, minSupport: 10, minPrecision: 0.95, minAnswerShare: 0.5, maxOtherRate: 0.2, maxValues: 12, maxPhrasesPerField: 300 };
/** Longest value (characters) a categorical field holds; longer ones are names and descriptions. */
const MAX_VALUE_CHARS = 40;
/** Fewest result records a field needs before its values say anything. */
const MIN_RECORDS = 30;
/** Fewest uses of a phrase after other values that independence would predict: below it, their absence proves nothing. */
const MIN_EXPECTED_OTHER = 3;
/**
 * Every action's outcome, as a field of its own: it found something, found
 * nothing, or failed. "I can't find that order" is learned as a phrase of
 * `none found`, and contradicts a lookup that found the order.
 */
const OUTCOME = '*';
const FOUND = 'found';
const NONE_FOUND = 'none found';
const FAILED = 'failed';

/** The learned phrases of a corpus, and the check that reads replies with them. */
export class ClaimIndex {
  private readonly byPhrase = new Map<string, ClaimPhrase[]>();
  private readonly maxWords: number;

  constructor(readonly phrases: readonly ClaimPhrase[]) {
    for (const p of phrases) this.byPhrase.set(p.phrase, [...(this.byPhrase.get(p.phrase) ?? []), p]);
    this.maxWords = Math.max(1, ...phrases.map((p) => p.phrase.split(' ').length));
  }

  /**
   * Learns the phrases of a corpus's replies that follow its action turns.
   *
   * @example
   * const claims = ClaimIndex.learn(trainDialogues);
   * claims.contradictions("It's in transit with UPS.", [...history, lookupSayingDelivered]); // ['transit (order status status: delivered)', …]
   */
  static learn(dialogues: readonly Dialogue[], options: ClaimLearning = {}): ClaimIndex {
    const o = { ...DEFAULTS, ...options };
    const fields = categoricalFields(dialogues, o.maxValues);
    // 1. phrases of the replies right after an action, by field value
    const after = new Map<string, Map<string, number>>(); // `action\tfield\tvalue` -> phrase -> replies
    const answers = new Map<string, number>(); // `action\tfield\tvalue` and `action\tfield` -> replies
    const add = (map: Map<string, number>, key: string, n = 1) => map.set(key, (map.get(key) ?? 0) + n);
    forEachReply(dialogues, (reply, action) => {
      if (!action) return;
      const grams = phrasesOf(reply, o.maxWords);
      const outcome = outcomeOf(action);
      const told: Array<[string, string]> = [[OUTCOME, outcome]];
      if (outcome === FOUND) {
        for (const field of fields.get(action.name) ?? []) {
          const value = categoricalValue(action.results![0][field]);
          if (value !== undefined) told.push([field, value]);
        }
      }
      for (const [field, value] of told) {
        const key = `${action.name}\t${field}\t${value}`;
        const counts = after.get(key) ?? new Map<string, number>();
        for (const g of grams) add(counts, g);
        after.set(key, counts);
        add(answers, key);
        add(answers, `${action.name}\t${field}`);
      }
    });
    // 2. how often every candidate phrase occurs right after each action (with any value of the field), and in any bot reply
    const candidates = new Set<string>();
    for (const counts of after.values()) for (const [g, n] of counts) if (n >= o.minSupport) candidates.add(g);
    const afterField = new Map<string, number>(); // `action\tfield\tphrase` -> replies
    for (const [key, counts] of after) {
      const [action, field] = key.split('\t');
      for (const [g, n] of counts) if (candidates.has(g)) add(afterField, `${action}\t${field}\t${g}`, n);
    }
    const total = new Map<string, number>();
    forEachReply(dialogues, (reply) => {
      for (const g of phrasesOf(reply, o.maxWords)) if (candidates.has(g)) add(total, g);
    });
    // 3. the phrases (almost) only that value's answers use, far more than its share of the answers explains, and used mostly in answers; shortest first
    const byField = new Map<string, ClaimPhrase[]>();
    for (const [key, counts] of after) {
      const [action, field, value] = key.split('\t');
      if (field === OUTCOME && value === FOUND) continue; // what an action found is its fields' to claim
      const withValue = answers.get(key)!;
      const withOthers = answers.get(`${action}\t${field}`)! - withValue;
      const kept: ClaimPhrase[] = [];
      for (const [phrase, n] of counts) {
        if (n < o.minSupport) continue;
        const inAnswers = afterField.get(`${action}\t${field}\t${phrase}`)!;
        const expectedOther = (n / withValue) * withOthers;
        const dependent = expectedOther >= MIN_EXPECTED_OTHER && inAnswers - n <= o.maxOtherRate * expectedOther;
        // a field's phrase must also be rare after the action found nothing or failed ("can't" is no status)
        const afterNoAnswer = field === OUTCOME ? 0 : [NONE_FOUND, FAILED].reduce((k, outcome) => k + (after.get(`${action}\t${OUTCOME}\t${outcome}`)?.get(phrase) ?? 0), 0);
        if (dependent && n / (inAnswers + afterNoAnswer) >= o.minPrecision && inAnswers / total.get(phrase)! >= o.minAnswerShare) kept.push({ action, field, value, phrase, support: n });
      }
      const minimal = kept.filter((p) => !kept.some((q) => q !== p && ` ${p.phrase} `.includes(` ${q.phrase} `)));
      byField.set(`${action}\t${field}`, [...(byField.get(`${action}\t${field}`) ?? []), ...minimal]);
    }
    const phrases = [...byField.values()].flatMap((ps) => ps.sort((a, b) => b.support - a.support || a.phrase.localeCompare(b.phrase)).slice(0, o.maxPhrasesPerField));
    return new ClaimIndex(phrases);
  }

  /**
   * What a reply claims against the action answered just before it (the last
   * of `turns`): each phrase stating a value that none of the records shown to
   * the model holds (a value after a lookup that found nothing, "can't find it"
   * after one that found it), with what it answered. Empty when the last turn
   * is not an action.
   */
  contradictions(reply: string, turns: readonly Turn[]): string[] {
    return this.contradictionSpans(reply, turns).map((c) => c.finding);
  }

  /** {@link contradictions} with where each phrase stands in the reply (`end` exclusive). */
  contradictionSpans(reply: string, turns: readonly Turn[]): Array<{ finding: string; at: number; end: number }> {
    const last = turns[turns.length - 1];
    const call = last ? actionOf(last) : undefined;
    if (!call || this.phrases.length === 0) return [];
    const outcome = outcomeOf(call);
    const found: Array<{ finding: string; at: number; end: number }> = [];
    for (const { phrase, at, end } of phraseSpans(reply, this.maxWords)) {
      for (const claim of this.byPhrase.get(phrase) ?? []) {
        if (claim.action !== call.name) continue;
        const held = claim.field === OUTCOME || outcome !== FOUND ? [outcome] : heldValues(call, claim.field);
        if (held.length === 0) continue; // the records do not say: nothing to contradict
        if (!held.includes(claim.value)) found.push({ finding: `${claim.phrase} (${nameAsWords(claim.action)}${claim.field === OUTCOME ? '' : ` ${claim.field}`}: ${held.join(' | ')})`, at, end });
      }
    }
    return found;
  }

  toJSON(): { phrases: readonly ClaimPhrase[] } {
    return { phrases: this.phrases };
  }

  static fromJSON(raw: unknown): ClaimIndex {
    const phrases = (raw as { phrases?: unknown })?.phrases;
    const valid = (p: unknown): p is ClaimPhrase => {
      const c = p as ClaimPhrase;
      return typeof c?.action === 'string' && typeof c.field === 'string' && typeof c.value === 'string' && typeof c.phrase === 'string' && c.phrase.trim() !== '' && typeof c.support === 'number';
    };
    if (!Array.isArray(phrases) || !phrases.every(valid)) throw new TypeError('expected {phrases: [{action, field, value, phrase, support}]}');
    return new ClaimIndex(phrases);
  }
}

function outcomeOf(call: ActionCall): string {
  return call.error !== undefined || !call.results ? FAILED : call.results.length === 0 ? NONE_FOUND : FOUND;
}

/** A field's values in the records shown to the model (those that hold it). */
function heldValues(call: ActionCall, field: string): string[] {
  return (call.results ?? []).slice(0, RECORDS_SHOWN).flatMap((r) => categoricalValue(r[field]) ?? []);
}

/** Each bot reply with the action turn right before it (undefined when another turn is). */
function forEachReply(dialogues: readonly Dialogue[], visit: (reply: string, action: ReturnType<typeof actionOf>) => void): void {
  for (const d of dialogues) {
    d.turns.forEach((turn, i) => {
      if (isBotSide(turn.speaker)) visit(turn.text, i > 0 ? actionOf(d.turns[i - 1]) : undefined);
    });
  }
}

/** Action name → its fields with a few short values (a status, a carrier, yes/no). */
function categoricalFields(dialogues: readonly Dialogue[], maxValues: number): Map<string, string[]> {
  const values = new Map<string, { records: number; distinct: Set<string>; open: boolean }>();
  for (const d of dialogues) {
    for (const turn of d.turns) {
      const call = actionOf(turn);
      for (const record of call?.results ?? []) {
        for (const [field, v] of Object.entries(record)) {
          const key = `${call!.name}\t${field}`;
          const seen = values.get(key) ?? { records: 0, distinct: new Set<string>(), open: false };
          const value = categoricalValue(v);
          if (value === undefined) seen.open = true;
          else if (!seen.open) seen.distinct.add(value);
          if (seen.distinct.size > maxValues) seen.open = true;
          seen.records++;
          values.set(key, seen);
        }
      }
    }
  }
  const fields = new Map<string, string[]>();
  for (const [key, seen] of values) {
    if (seen.open || seen.distinct.size < 2 || seen.records < MIN_RECORDS) continue;
    const [action, field] = key.split('\t');
    fields.set(action, [...(fields.get(action) ?? []), field]);
  }
  return fields;
}

/** A field value as a claim compares it: short strings and booleans; undefined for anything else. */
function categoricalValue(v: ActionValue | undefined): string | undefined {
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'string' && v.trim() !== '' && v.length <= MAX_VALUE_CHARS && !/\d/.test(v)) return v.trim();
  return undefined;
}

/** The distinct word sequences of a text up to `maxWords` long, leaving out any with a digit (numbers are the digit check's). */
function phrasesOf(text: string, maxWords: number): Set<string> {
  return new Set(phraseSpans(text, maxWords).map((p) => p.phrase));
}

/** Every word sequence of a text up to `maxWords` long with where it stands, leaving out any with a digit. */
function phraseSpans(text: string, maxWords: number): Array<{ phrase: string; at: number; end: number }> {
  const words: Array<{ word: string; at: number; end: number }> = [];
  for (const m of text.matchAll(/[\p{L}\p{N}'’]+/gu)) {
    const word = m[0].toLowerCase().replace(/’/g, "'");
    const lead = word.length - word.replace(/^'+/, '').length;
    const bare = word.replace(/^'+|'+$/g, '');
    if (bare) words.push({ word: bare, at: m.index + lead, end: m.index + lead + bare.length });
  }
  const out: Array<{ phrase: string; at: number; end: number }> = [];
  for (let i = 0; i < words.length; i++) {
    for (let n = 1; n <= maxWords && i + n <= words.length; n++) {
      if (/\d/.test(words[i + n - 1].word)) break;
      out.push({ phrase: words.slice(i, i + n).map((w) => w.word).join(' '), at: words[i].at, end: words[i + n - 1].end });
    }
  }
  return out;
}
