/**
 * The facts a conversation holds before a reply — numbers, dates, times,
 * amounts and names from what the user and the bot said and from every
 * action's parameters and results — each with what content selection reads
 * of it (src/facts/selection.ts): where it stands (which action, which field,
 * which record, how many turns back, who said it), whether it is in the
 * record a reply is about, what the newest action found, and the words of the
 * user's last message and the bot's last reply beside its field ("what's
 * their phone number?" beside `phone_number`).
 */
import { actionOf, isBotSide, type Turn } from '../data/dialogue.ts';
import { slotValuesAt, NEXT_RECORD } from '../data/slot-values.ts';
import { hash, words } from '../understanding/features.ts';
import { extractFacts, type Fact, type FactKind } from './extract.ts';

/** One fact the conversation holds, under every key it was seen with, and its features. */
export interface HeldFact {
  /** The fact's normalized keys (src/facts/extract.ts): a reply that states one of them states the fact. */
  keys: string[];
  kind: FactKind;
  /** As the conversation wrote it (the newest mention). */
  text: string;
  /** What content selection reads of it, as 32-bit feature hashes. */
  features: number[];
}

/** Words of the bot's last reply read beside a fact's field (its question, its offer). */
const BOT_WORDS = 30;

/**
 * The facts `history` holds before the next reply, newest mention first.
 *
 * @example
 * const lookup = actionTurn({ name: 'order_status', parameters: { order: '48213' }, results: [{ status: 'shipped', carrier: 'UPS' }] });
 * heldFacts([{ speaker: 'user', text: 'Where is order 48213?' }, lookup]).map((f) => f.text); // ['48213', '1', 'UPS'] (1: how many it found)
 */
export function heldFacts(history: readonly Turn[]): HeldFact[] {
  const found = new Map<string, { fact: HeldFact; sources: Set<string> }>();
  const canonical = new Map<string, string>();
  const note = (fact: Fact, sources: string[]) => {
    let key = fact.keys.map((k) => canonical.get(k)).find((k) => k !== undefined);
    if (key === undefined) {
      key = fact.keys[0];
      found.set(key, { fact: { keys: [], kind: fact.kind, text: fact.text, features: [] }, sources: new Set() });
    }
    const entry = found.get(key)!;
    for (const k of fact.keys) {
      canonical.set(k, key);
      if (!entry.fact.keys.includes(k)) entry.fact.keys.push(k);
    }
    for (const s of sources) entry.sources.add(s);
  };
  const newestAction = history.map((t) => t.speaker).lastIndexOf('action');
  let usersBack = 0;
  let botsBack = 0;
  for (let i = history.length - 1; i >= 0; i--) {
    const turn = history[i];
    const call = actionOf(turn);
    if (call) {
      const age = i === newestAction ? 'newest' : 'older';
      for (const [field, value] of Object.entries(call.parameters)) for (const f of valueFacts(value)) note(f, [`param:${field}:${age}`, `param:${age}`, `field:${field}`]);
      if (call.results?.length) for (const f of valueFacts(String(call.results.length))) note(f, [`count:${age}`]);
      (call.results ?? []).forEach((record, r) => {
        const at = `r${bucket(r, [0, 1, 2])}`;
        for (const [field, value] of Object.entries(record)) {
          if (value === null || typeof value === 'object') continue;
          for (const f of valueFacts(String(value))) note(f, [`result:${field}:${age}:${at}`, `result:${field}:${age}`, `result:${age}:${at}`, `field:${field}`]);
        }
      });
    } else if (turn.speaker === 'user') {
      for (const f of turnFacts(turn)) note(f, [`user:${bucket(usersBack, [0, 1, 3])}`]);
      usersBack++;
    } else {
      for (const f of turnFacts(turn)) note(f, [`bot:${bucket(botsBack, [0, 1, 3])}`]);
      botsBack++;
    }
  }
  const situation = situationOf(history, newestAction);
  return [...found.values()].map(({ fact, sources }) => ({ ...fact, features: featuresOf(fact, [...sources], situation) }));
}

/** What holds for every fact of a history: the record in focus, what the newest action found, the last words said. */
interface Situation {
  /** Fact key → `focus` (the record a reply's slot tokens write) or `next` (the record after it). */
  record: Map<string, string>;
  /** The newest action's name, if any. */
  action?: string;
  /** What it found, and whether it is the turn just before the reply. */
  outcome: string;
  acted: string;
  /** Hashes of the words of the user's last message and of the bot's last reply. */
  userWords: number[];
  botWords: number[];
}

function situationOf(history: readonly Turn[], newestAction: number): Situation {
  const record = new Map<string, string>();
  for (const [field, value] of slotValuesAt(history)[history.length] ?? []) {
    for (const f of valueFacts(value)) for (const k of f.keys) if (!record.has(k)) record.set(k, field.startsWith(NEXT_RECORD) ? 'next' : 'focus');
  }
  const call = newestAction >= 0 ? actionOf(history[newestAction]) : undefined;
  const outcome = !call ? 'no-action' : call.error !== undefined ? 'failed' : `found-${bucket(call.results?.length ?? 0, [0, 1, 3])}`;
  const lastUser = [...history].reverse().find((t) => t.speaker === 'user');
  const lastBot = [...history].reverse().find((t) => isBotSide(t.speaker));
  return {
    record,
    action: call?.name,
    outcome,
    acted: history[history.length - 1]?.speaker === 'action' ? 'acted' : 'talked',
    userWords: [...new Set(words(lastUser?.text ?? ''))].map(hash),
    botWords: [...new Set(words(lastBot?.text ?? ''))].slice(0, BOT_WORDS).map(hash),
  };
}

function featuresOf(fact: HeldFact, sources: string[], s: Situation): number[] {
  const record = fact.keys.map((k) => s.record.get(k)).find((r) => r !== undefined) ?? 'none';
  // a field by its name, and by each word of it, so that a field no reply in training stated ("therapist_name") is read like those it resembles ("doctor_name")
  const fields = sources.filter((x) => x.startsWith('field:')).map((x) => x.slice(6));
  const fieldWords = new Set(fields.flatMap((f) => f.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean)));
  const roles = [...fields.map((f) => `f=${f}`), ...[...fieldWords].map((w) => `w=${w}`), `k=${fact.kind}`];
  const byBot = sources.some((x) => x.startsWith('bot:'));
  const byUser = sources.some((x) => x.startsWith('user:'));
  const named = ['bias', `kind:${fact.kind}`, `record:${record}`, `record:${record}:${s.acted}`, `${s.outcome}:${s.acted}`, `${s.outcome}:${s.acted}:${record}`, `said:${byBot}:${byUser}:${s.acted}:${record}`];
  for (const x of sources) named.push(`s:${x}`, `s:${x}:${s.acted}`, `s:${x}:${record}`);
  const out = named.map(hash);
  // a role (field or kind) beside each word said last: hashed pairwise, not as strings (training reads millions)
  for (const role of roles) {
    if (s.action) out.push(hash(`action:${s.action}|${role}|${record}|${s.acted}`));
    out.push(hash(`${role}|${record}|${s.outcome}|${s.acted}`));
    const asked = hash(`uw|${role}`);
    const askedHere = hash(`uw|${role}|${record}`);
    const offered = hash(`bw|${role}|${s.acted}`);
    for (const w of s.userWords) out.push(pair(asked, w), pair(askedHere, w));
    for (const w of s.botWords) out.push(pair(offered, w));
  }
  return out;
}

/** One 32-bit hash of two (murmur3's mixing steps). */
function pair(a: number, b: number): number {
  let h = Math.imul(a ^ Math.imul(b, 0xcc9e2d51), 0x1b873593);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

/** True when an action's value, as a reply writes it, states the fact. */
export function valueStates(value: string, fact: HeldFact): boolean {
  return valueFacts(value).some((f) => f.keys.some((k) => fact.keys.includes(k)));
}

/** `n` as the first cap it does not exceed, or the last cap and `+`. */
function bucket(n: number, caps: number[]): string {
  for (const cap of caps) if (n <= cap) return String(cap);
  return `${caps[caps.length - 1]}+`;
}

// A dialogue's turns are read again for each of its replies (training reads every one): their facts are kept.
const factsOfTurn = new WeakMap<Turn, Fact[]>();
const factsOfValue = new Map<string, Fact[]>();
const VALUES_KEPT = 100_000;

function turnFacts(turn: Turn): Fact[] {
  let facts = factsOfTurn.get(turn);
  if (!facts) factsOfTurn.set(turn, (facts = extractFacts(turn.text)));
  return facts;
}

/** The facts of an action's value as a reply would state it (after a word, so that "San Jose" is a name and not a sentence's opening). */
function valueFacts(value: string): Fact[] {
  let facts = factsOfValue.get(value);
  if (!facts) {
    if (factsOfValue.size >= VALUES_KEPT) factsOfValue.clear();
    factsOfValue.set(value, (facts = extractFacts(`is ${value}`)));
  }
  return facts;
}
