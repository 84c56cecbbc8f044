/**
 * Action turns as data: checking one read from a file, and the compact text
 * the model reads for it — `name key: value, … => key: value, … | …` — the
 * parameters, then the first few result records (the copy mechanism copies
 * facts from here), `none found`, or `failed`. Every token here is read before
 * the reply's first one, so a record's field that repeats the parameter of the
 * same name is left out: the value stands once, in the parameters.
 */
import { actionOf, type ActionCall, type ActionValue, type Turn } from './dialogue.ts';

/** Result records the model is shown (the rest stay in the log). */
export const RECORDS_SHOWN = 3;
/** Fields shown per record, and the longest value (characters) shown. */
const FIELDS_SHOWN = 12;
const VALUE_CHARS = 60;

/**
 * The text the model reads for an action call.
 *
 * @example
 * renderAction({ name: 'order_lookup', parameters: { order: '48213' }, results: [{ order: '48213', status: 'shipped', carrier: 'UPS' }] });
 * // 'order lookup order: 48213 => status: shipped, carrier: UPS'
 */
export function renderAction(call: ActionCall, maxRecords = RECORDS_SHOWN): string {
  const head = [nameAsWords(call.name), fields(call.parameters)].filter(Boolean).join(' ');
  if (call.error !== undefined || !call.results) return `${head} => failed`;
  const { results } = call;
  if (results.length === 0) return `${head} => none found`;
  const shown = results.slice(0, maxRecords).map((record) => fields(record, call.parameters) || 'found').join(' | ');
  return results.length > 1 ? `${head} => ${results.length} found: ${shown}` : `${head} => ${shown}`;
}

/** An action turn for a call, with its rendered text. */
export function actionTurn(call: ActionCall): Turn {
  return { speaker: 'action', text: renderAction(call), ...call };
}

/**
 * Checks an action turn read from a file or the log (`{speaker: 'action', name, parameters, results | error}`):
 * the turn with its text rendered, or a message saying what is wrong.
 */
export function parseActionTurn(raw: Record<string, unknown>): Turn | string {
  if (typeof raw.name !== 'string' || !raw.name.trim()) return 'action turn without a "name"';
  const parameters = raw.parameters ?? {};
  if (!isPlainObject(parameters)) return 'action "parameters" must be an object';
  if (raw.results !== undefined && !(Array.isArray(raw.results) && raw.results.every(isPlainObject))) return 'action "results" must be an array of objects';
  if (raw.error !== undefined && typeof raw.error !== 'string') return 'action "error" must be a string';
  if (raw.results === undefined && raw.error === undefined) return 'action turn needs "results" or "error"';
  const call: ActionCall = {
    name: raw.name,
    parameters: Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])),
    ...(raw.results !== undefined ? { results: raw.results as Record<string, ActionValue>[] } : {}),
    ...(raw.error !== undefined ? { error: raw.error as string } : {}),
  };
  return actionTurn(call);
}

/** The JSON form of a turn in corpus files: `{speaker, text}`, or an action's fields without its (derived) text. */
export function turnToJson(turn: Turn): Record<string, unknown> {
  const call = actionOf(turn);
  return call ? { speaker: 'action', ...call } : { speaker: turn.speaker, text: turn.text, ...(turn.kind ? { kind: turn.kind } : {}) };
}

/** An action call with `mask` applied to every text value, so the facts a reply copies stay matched with the redacted text around them. */
export function redactCall(call: ActionCall, mask: (text: string) => string): ActionCall {
  const value = (v: ActionValue): ActionValue =>
    typeof v === 'string' ? mask(v) : Array.isArray(v) ? v.map(value) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, value(x)])) : v;
  return {
    name: call.name,
    parameters: Object.fromEntries(Object.entries(call.parameters).map(([k, v]) => [k, mask(v)])),
    ...(call.results ? { results: call.results.map((r) => value(r) as Record<string, ActionValue>) } : {}),
    ...(call.error !== undefined ? { error: call.error } : {}),
  };
}

/** `key: value, key: value, …`, without empty values and without those that repeat the parameter of the same name. */
function fields(record: Record<string, ActionValue>, parameters: Record<string, string> = {}): string {
  const repeats = (k: string, text: string) => parameters[k] !== undefined && parameters[k].trim().toLowerCase() === text.trim().toLowerCase();
  return Object.entries(record)
    .filter(([, v]) => v !== null && v !== '')
    .map(([k, v]) => [k, valueText(v)] as const)
    .filter(([k, text]) => !repeats(k, text))
    .slice(0, FIELDS_SHOWN)
    .map(([k, text]) => `${nameAsWords(k)}: ${text}`)
    .join(', ');
}

function valueText(v: ActionValue): string {
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  return text.length > VALUE_CHARS ? `${text.slice(0, VALUE_CHARS - 1)}…` : text;
}

/** An action's or a field's name as the model reads it: `order_status` → `order status`. */
export function nameAsWords(key: string): string {
  return key.replace(/[_-]+/g, ' ').trim();
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
