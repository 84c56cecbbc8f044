/**
 * The fact check: every fact a reply states must be supported — found in the
 * conversation (user, bot and agent turns, action parameters and results) or
 * in the bot's allowlist (its own phone number, brand and product names).
 */
import { actionOf, type ActionValue, type Turn } from '../data/dialogue.ts';
import type { ClaimIndex } from './claims.ts';
import { extractFacts, extractFactSpans, nameKey, type Fact } from './extract.ts';

/** What a reply may state: the facts of a conversation and an allowlist, ready to test replies against. */
export interface FactSupport {
  /** True when the conversation or the allowlist holds the fact. */
  supports(fact: Fact): boolean;
  /** True when the newest turn is an action that failed or found nothing: a reply must not confirm success then. */
  lastActionFailed: boolean;
  /** What a reply says against the action answered just before it, in phrases the model's corpus uses for other values (see claims.ts). */
  contradictions(reply: string): string[];
  /**
   * Where a reply being written first goes wrong, or undefined while it may
   * still pass. Until `finished`, a fact or phrase that reaches the end of
   * `text` may still grow ("4821" on its way to "48213") and is not judged.
   */
  violationAt(text: string, finished: boolean): Violation | undefined;
}

/**
 * Where a reply goes wrong, as offsets into it: one of the characters from
 * `from` to `to` (exclusive) must change. A number: its first digit that
 * leads away from every supported one, or the character after it when it
 * stopped short of one; a name: its first word the conversation does not
 * hold; a contradicting phrase: the phrase and the word before it ("is in
 * transit" may go wrong at "in"). `from` at the end of the text: the reply
 * may not end there.
 */
export interface Violation {
  from: number;
  to: number;
}

/** What `unsupported` lists for a reply that confirms what failed. */
export const FALSE_CONFIRMATION = 'confirmation of a failed action';

const CONFIRMS = /\b(?:has|have) been (?:confirmed|booked|reserved|scheduled|placed|made|processed|completed|shipped|issued)\b|\bis (?:confirmed|booked|reserved|on (?:its|the) way)\b|\bsuccessfully\b|\b(?:i've|i have) (?:booked|reserved|scheduled|made|placed|processed)\b|\bhas (?:shipped|arrived)\b|\bwas delivered\b|\ball set\b/i;
const DENIES = /\b(?:couldn'?t|could not|can'?t|cannot|unable|not been|wasn'?t|failed|no (?:order|record|result)s?|sorry)\b/i;

/** The check's finding on one reply. */
export interface FactCheckResult {
  passed: boolean;
  /** The facts nothing supports, as the reply wrote them. */
  unsupported: string[];
}

/**
 * What the turns and the allowlist support; with `claims` (the model's
 * learned phrases), also what a reply right after an action may not say.
 *
 * @example
 * const support = factSupport([{ speaker: 'user', text: 'Is order 48213 shipped?' }], ['Harbor Rain Jacket']);
 * checkReply('Order 48213 has shipped.', support); // { passed: true, unsupported: [] }
 */
export function factSupport(turns: readonly Turn[], allowlist: readonly string[] = [], claims?: ClaimIndex): FactSupport {
  const texts: string[] = [...allowlist];
  for (const turn of turns) {
    const call = actionOf(turn);
    if (call) {
      texts.push(call.name, ...Object.values(call.parameters));
      for (const record of call.results ?? []) collectValues(record, texts);
      if (call.results?.length) texts.push(String(call.results.length)); // "I found 10 hotels": how many it found is the backend's word too
    } else texts.push(turn.text);
  }
  const keys = new Set<string>();
  for (const text of texts) for (const key of supportKeys(text)) keys.add(key);
  for (const key of correctedKeys(turns)) keys.delete(key);
  const plain = ` ${texts.map(plainWords).join(' \u0000 ')} `;
  // read only when a reply needs them: most replies hold no name opening a sentence, and only replies being written need digit runs
  let lowerCaseWords: Set<string> | undefined;
  let digitRuns: string[] | undefined;
  const last = turns[turns.length - 1];
  const lastCall = last ? actionOf(last) : undefined;
  const support: FactSupport = {
    lastActionFailed: Boolean(lastCall && (lastCall.error !== undefined || !lastCall.results?.length)),
    supports(fact: Fact): boolean {
      if (fact.keys.some((k) => keys.has(k))) return true;
      if (fact.kind !== 'name') return false;
      // names the user typed in lower case, or that sit inside a longer value ("71 Saint Peter")
      if (holdsWords(plainWords(nameKey(fact.text).slice(2)))) return true;
      return ordinaryOpener(fact) && holdsWords(plainWords(fact.text.slice(fact.opener!.length)).replace(/^(?:(?:of|the|de) )+/, ''));
    },
    contradictions: (reply) => claims?.contradictions(reply, turns) ?? [],
    violationAt(text: string, finished: boolean): Violation | undefined {
      const judged = (end: number) => finished || end < text.length;
      const found: Violation[] = [];
      for (const fact of extractFactSpans(text)) {
        if (!judged(fact.end) || support.supports(fact)) continue;
        const at = fact.at + wrongFrom(fact);
        found.push({ from: at, to: at + 1 });
      }
      for (const c of claims?.contradictionSpans(text, turns) ?? []) if (judged(c.end)) found.push({ from: wordBefore(text, c.at), to: c.end });
      if (finished && support.lastActionFailed && !DENIES.test(text)) {
        const confirms = CONFIRMS.exec(text);
        if (confirms) found.push({ from: wordBefore(text, confirms.index), to: confirms.index + confirms[0].length });
      }
      return found.sort((a, b) => a.from - b.from)[0];
    },
  };
  /** True when a name's first word opens its sentence and the conversation uses it in lower case: not part of the name ("Book Hilton Tower?"). */
  function ordinaryOpener(fact: Fact): boolean {
    if (fact.opener === undefined) return false;
    lowerCaseWords ??= new Set(texts.flatMap((text) => text.match(/(?<![\p{L}'’])\p{Ll}[\p{Ll}'’]*/gu) ?? []));
    return lowerCaseWords.has(fact.opener.toLowerCase());
  }
  /** True when the conversation holds these (plain) words in a row. */
  function holdsWords(words: string): boolean {
    return plain.includes(` ${words} `);
  }
  /** How far into a fact nothing is wrong yet. */
  function wrongFrom(fact: Fact): number {
    const month = fact.kind === 'date' ? /^dt:(\d+)-/.exec(fact.keys[0] ?? '')?.[1] : undefined;
    if (month !== undefined) {
      // a month the conversation never mentions is wrong from its start; else the day is, where it leaves that month's days
      const days = [...keys].flatMap((k) => (k.startsWith(`dt:${month}-`) ? [k.slice(`dt:${month}-`.length)] : []));
      const start = /^\d{4}-\d{2}-/.test(fact.text) ? 8 : 0; // an ISO date's day follows its year and month
      const day = /\d+/.exec(fact.text.slice(start));
      if (days.length === 0 || !day) return 0;
      const offset = start + day.index;
      const n = prefixLength(day[0], days);
      return n < 0 ? offset + day[0].length : n < day[0].length ? offset + n : 0;
    }
    if (fact.kind === 'name') {
      const words = [...fact.text.matchAll(/\S+/g)].slice(ordinaryOpener(fact) ? 1 : 0);
      const held = words.findIndex((_, i) => !holdsWords(plainWords(words.slice(0, i + 1).map((w) => w[0]).join(' '))));
      return held < 0 ? 0 : words[held].index!;
    }
    const digits = [...fact.text.matchAll(/\d/g)];
    if (digits.length === 0) return 0;
    digitRuns ??= [...keys].filter((k) => k.startsWith('d:')).map((k) => k.slice(2));
    const n = prefixLength(digits.map((d) => d[0]).join(''), digitRuns);
    return n < 0 ? fact.text.length : n < digits.length ? digits[n].index! : 0;
  }
  return support;
}

/** Checks one reply against what the conversation supports. */
export function checkReply(reply: string, support: FactSupport): FactCheckResult {
  const unsupported = extractFacts(reply).filter((f) => !support.supports(f)).map((f) => f.text);
  if (support.lastActionFailed && CONFIRMS.test(reply) && !DENIES.test(reply)) unsupported.push(FALSE_CONFIRMATION);
  unsupported.push(...support.contradictions(reply));
  return { passed: unsupported.length === 0, unsupported: [...new Set(unsupported)] };
}

/**
 * How many different facts of a reply the conversation (or allowlist)
 * supports: how much it tells of what was said and looked up.
 *
 * @example
 * supportedFactCount('Order 48213 costs $89.00, order 48213.', factSupport([{ speaker: 'user', text: 'Order 48213 for $89.00?' }])); // 2
 */
export function supportedFactCount(reply: string, support: FactSupport): number {
  return new Set(extractFacts(reply).flatMap((f) => (support.supports(f) ? [f.keys[0]] : []))).size;
}

/**
 * The keys of values an action found nothing for and a later call of the same
 * action replaced with one it found ("#63734" — none found — "oops, it's
 * #63743"): the conversation holds them only as a mistake put right, so a
 * reply may not state them (on the shop bot, with the order number written
 * once in the lookup, the model copied the mistyped one in 2 of 182 replies
 * right after a lookup). Keys some other action value holds stay.
 */
function correctedKeys(turns: readonly Turn[]): string[] {
  const calls = turns.flatMap((turn) => actionOf(turn) ?? []);
  const corrected = new Set<string>();
  calls.forEach((call, i) => {
    if (call.error !== undefined || call.results?.length !== 0) return;
    for (const [field, value] of Object.entries(call.parameters)) {
      const replaced = calls.slice(i + 1).some((later) => later.name === call.name && later.results?.length && later.parameters[field] !== undefined && later.parameters[field] !== value);
      if (replaced) corrected.add(value);
    }
  });
  if (corrected.size === 0) return [];
  const held = new Set<string>();
  for (const call of calls) {
    const values: string[] = Object.values(call.parameters).filter((v) => !corrected.has(v));
    for (const record of call.results ?? []) collectValues(record, values);
    for (const v of values) for (const key of supportKeys(v)) held.add(key);
  }
  return [...corrected].flatMap((value) => supportKeys(value)).filter((key) => !held.has(key));
}

/** A text's fact keys, plus every digit run in it (so "2019-03-01" also supports "2019"). */
function supportKeys(text: string): string[] {
  const keys = extractFacts(text).flatMap((f) => f.keys);
  for (const m of text.matchAll(/\d+(?:[.,]\d+)*/g)) keys.push(`d:${m[0].replace(/\D/g, '')}`, `v:${Number(m[0].replace(/,/g, ''))}`);
  return keys;
}

/**
 * How many leading characters of `s` start one of `supported`; -1 when all of
 * them do and `s` stopped short of one ("4821" of "48213"); the length of `s`
 * when it is whole but still wrong (a number written as another fact).
 */
function prefixLength(s: string, supported: readonly string[]): number {
  let n = 0;
  while (n < s.length && supported.some((x) => x.startsWith(s.slice(0, n + 1)))) n++;
  if (n < s.length) return n;
  return supported.some((x) => x.length > s.length && x.startsWith(s)) ? -1 : n;
}

/** Where the word before `at` starts (`at` when none is before it). */
function wordBefore(text: string, at: number): number {
  const m = /[\p{L}\p{N}'’]+[^\p{L}\p{N}'’]*$/u.exec(text.slice(0, at));
  return m ? m.index : at;
}

function plainWords(text: string): string {
  return text.toLowerCase().replace(/[’]/g, "'").replace(/[^\p{L}\p{N}']+/gu, ' ').trim();
}

function collectValues(v: ActionValue, out: string[]): void {
  if (v === null) return;
  if (Array.isArray(v)) v.forEach((x) => collectValues(x, out));
  else if (typeof v === 'object') Object.values(v).forEach((x) => collectValues(x, out));
  else out.push(String(v));
}
