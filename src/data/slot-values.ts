/**
 * The values a reply's slot tokens stand for at each point of a dialogue —
 * the newest action's result record in focus, then its parameters (a field
 * both hold takes the record's value) — and which fields a corpus's replies
 * state often enough to earn a slot token. A time or a date also stands in the
 * form replies say it, under the field's name with a suffix: `time~ampm`
 * "2:25 pm" (and `time~hour` "4 pm") for "14:25", `date~long` "March 7th" for
 * "2019-03-07".
 *
 * The record in focus is the first until a reply offers the next one ("How
 * about another?" — "There is also Sino…"): the next record's values stand
 * under `next:field` (where they differ from the focus record's), and a reply
 * that states one of them moves the focus there, so that "what's its address?"
 * is then answered from the record the bot offered last.
 *
 * A field without a slot token of its own (a service the corpus seldom or
 * never replies about: `therapist_name`) borrows the free slot tokens of its
 * kind (`doctor_name`, `stylist_name`, …; see {@link withStandIns}), so that a
 * reply writes its value as exactly as a familiar field's.
 */
import { isBotSide, type ActionValue, type Dialogue, type Turn } from './dialogue.ts';
import { isSlotField, prepareTurn, slotSpans, type SlotValues } from '../tokenizer/index.ts';

/** A field earns a slot token when replies state its value at least this often. */
export const MIN_SLOT_USES = 20;
/** At most this many slot tokens (the most used fields). */
export const MAX_SLOTS = 256;
/** What a field of the record after the one in focus is called. */
export const NEXT_RECORD = 'next:';

const NONE: SlotValues = new Map();

/**
 * The slot values in effect before each turn and, last, after all of them
 * (`turns.length + 1` entries): those of the newest action turn so far, at
 * the record in focus.
 *
 * @example
 * slotValuesAt([user, { speaker: 'action', name: 'order_lookup', parameters: { order: '48213' }, results: [{ status: 'shipped' }], text: '…' }])[2];
 * // Map { 'status' => 'shipped', 'order' => '48213' }
 */
export function slotValuesAt(turns: readonly Turn[]): SlotValues[] {
  const out: SlotValues[] = [NONE];
  let action: Turn | undefined;
  let focus = 0;
  for (const turn of turns) {
    let values = out[out.length - 1];
    if (turn.speaker === 'action') {
      [action, focus] = [turn, 0];
      values = valuesOf(turn, focus);
    } else if (action && isBotSide(turn.speaker) && offersNext(turn.text, values)) {
      values = valuesOf(action, ++focus);
    }
    out.push(values);
  }
  return out;
}

/** True when a bot turn states a value of the record after the one in focus. */
function offersNext(text: string, values: SlotValues): boolean {
  return slotSpans(prepareTurn(text), values).some((span) => span.key.startsWith(NEXT_RECORD));
}

function valuesOf(turn: Turn, focus: number): SlotValues {
  const values = recordValues(turn.results?.[focus]);
  for (const [field, value] of Object.entries(turn.parameters ?? {})) if (!values.has(field) && value.trim()) values.set(field, value);
  withSpokenForms(values);
  const next = recordValues(turn.results?.[focus + 1]);
  withSpokenForms(next);
  for (const [field, value] of next) if (values.get(field) !== value) values.set(NEXT_RECORD + field, value);
  return values;
}

function recordValues(record: Record<string, ActionValue> | undefined): Map<string, string> {
  const values = new Map<string, string>();
  for (const [field, value] of Object.entries(record ?? {})) {
    const text = valueText(value);
    if (text !== undefined) values.set(field, text);
  }
  return values;
}

function withSpokenForms(values: Map<string, string>): void {
  for (const [field, value] of [...values]) for (const [suffix, form] of spokenForms(value)) values.set(`${field}~${suffix}`, form);
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** How replies say a 24-hour time or an ISO date: `[suffix, form]` pairs (none for other values). */
function spokenForms(value: string): Array<[string, string]> {
  const time = /^([01]?\d|2[0-3]):([0-5]\d)(?::00)?$/.exec(value.trim());
  if (time) {
    const h = Number(time[1]);
    const half = h < 12 ? 'am' : 'pm';
    const hour = h % 12 === 0 ? 12 : h % 12;
    return [['ampm', `${hour}:${time[2]} ${half}`], ...(time[2] === '00' ? [['hour', `${hour} ${half}`] as [string, string]] : [])];
  }
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  const month = date ? MONTHS[Number(date[2]) - 1] : undefined;
  if (!date || !month || Number(date[3]) < 1 || Number(date[3]) > 31) return [];
  return [['long', `${month} ${ordinal(Number(date[3]))}`]];
}

function ordinal(day: number): string {
  const suffix = day % 100 >= 11 && day % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][day % 10] ?? 'th');
  return `${day}${suffix}`;
}

function valueText(value: ActionValue): string | undefined {
  if (typeof value === 'string') return value.trim() ? value : undefined;
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
}

/**
 * `values` with the slot tokens of `slotFields` that they leave free standing
 * in for fields that have none of their own, of the same kind: the same last
 * word of the name, record (`next:`) and spoken form (`~ampm`). A kind that
 * two such fields with different values share is left alone: the token would
 * not say which of them it writes. Returns `values` itself when nothing stands in.
 *
 * @example
 * withStandIns(new Map([['therapist_name', 'Emily Rosenbaum'], ['city', 'Los Gatos']]), ['city', 'doctor_name', 'stylist_name']);
 * // Map { 'therapist_name' => 'Emily Rosenbaum', 'city' => 'Los Gatos', 'doctor_name' => 'Emily Rosenbaum', 'stylist_name' => 'Emily Rosenbaum' }
 */
export function withStandIns(values: SlotValues, slotFields: readonly string[]): SlotValues {
  const slotted = new Set(slotFields);
  const unslotted = new Map<string, Set<string>>();
  for (const [field, value] of values) {
    if (slotted.has(field)) continue;
    const kind = kindOf(field);
    unslotted.set(kind, (unslotted.get(kind) ?? new Set()).add(value));
  }
  const standIns = slotFields.flatMap((field) => {
    const held = values.has(field) ? undefined : unslotted.get(kindOf(field));
    return held?.size === 1 ? [[field, [...held][0]] as const] : [];
  });
  return standIns.length ? new Map([...values, ...standIns]) : values;
}

/** What a field holds, for stand-ins: `next:therapist_name` → `next:name`, `transfer_time~ampm` → `time~ampm`. */
function kindOf(field: string): string {
  const [, record = '', base, form = ''] = /^(next:)?(.*?)(~[^~]*)?$/.exec(field)!;
  return record + base.slice(base.lastIndexOf('_') + 1) + form;
}

/**
 * The fields whose values the bot's replies state at least `minUses` times
 * (counted once a reply), most used first, at most `maxSlots`.
 */
export function learnSlotFields(dialogues: Iterable<Dialogue>, minUses = MIN_SLOT_USES, maxSlots = MAX_SLOTS): string[] {
  const uses = new Map<string, number>();
  for (const { turns } of dialogues) {
    const values = slotValuesAt(turns);
    turns.forEach((turn, i) => {
      if (!isBotSide(turn.speaker) || values[i].size === 0) return;
      for (const field of new Set(slotSpans(prepareTurn(turn.text), values[i]).map((s) => s.key))) uses.set(field, (uses.get(field) ?? 0) + 1);
    });
  }
  return [...uses]
    .filter(([field, n]) => n >= minUses && isSlotField(field))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, maxSlots)
    .map(([field]) => field);
}
