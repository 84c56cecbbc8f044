/**
 * The fact check: every fact a reply states must be supported — found in the
 * conversation (user, bot and agent turns, action parameters and results) or
 * in the bot's allowlist (its own phone number, brand and product names).
 */
import { actionOf, type ActionValue, type Turn } from '../data/dialogue.ts';
import type { ClaimIndex } from './claims.ts';
import { extractFacts, nameKey, type Fact } from './extract.ts';

/** What a reply may state: the facts of a conversation and an allowlist, ready to test replies against. */
export interface FactSupport {
  /** True when the conversation or the allowlist holds the fact. */
  supports(fact: Fact): boolean;
  /** True when the newest turn is an action that failed or found nothing: a reply must not confirm success then. */
  lastActionFailed: boolean;
  /** What a reply says against the action answered just before it, in phrases the model's corpus uses for other values (see claims.ts). */
  contradictions(reply: string): string[];
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
    } else texts.push(turn.text);
  }
  const keys = new Set<string>();
  for (const text of texts) for (const key of supportKeys(text)) keys.add(key);
  const plain = ` ${texts.map(plainWords).join(' \u0000 ')} `;
  const last = turns[turns.length - 1];
  const lastCall = last ? actionOf(last) : undefined;
  return {
    lastActionFailed: Boolean(lastCall && (lastCall.error !== undefined || !lastCall.results?.length)),
    supports(fact: Fact): boolean {
      if (fact.keys.some((k) => keys.has(k))) return true;
      // names the user typed in lower case, or that sit inside a longer value ("71 Saint Peter")
      return fact.kind === 'name' && plain.includes(` ${plainWords(nameKey(fact.text).slice(2))} `);
    },
    contradictions: (reply) => claims?.contradictions(reply, turns) ?? [],
  };
}

/** Checks one reply against what the conversation supports. */
export function checkReply(reply: string, support: FactSupport): FactCheckResult {
  const unsupported = extractFacts(reply).filter((f) => !support.supports(f)).map((f) => f.text);
  if (support.lastActionFailed && CONFIRMS.test(reply) && !DENIES.test(reply)) unsupported.push(FALSE_CONFIRMATION);
  unsupported.push(...support.contradictions(reply));
  return { passed: unsupported.length === 0, unsupported: [...new Set(unsupported)] };
}

/** A text's fact keys, plus every digit run in it (so "2019-03-01" also supports "2019"). */
function supportKeys(text: string): string[] {
  const keys = extractFacts(text).flatMap((f) => f.keys);
  for (const m of text.matchAll(/\d+(?:[.,]\d+)*/g)) keys.push(`d:${m[0].replace(/\D/g, '')}`, `v:${Number(m[0].replace(/,/g, ''))}`);
  return keys;
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
