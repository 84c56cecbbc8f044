/**
 * Actions declared in a JSON file (`colloquy serve --actions FILE`, or
 * COLLOQUY_ACTIONS):
 *
 * ```json
 * { "allowlist": ["Harbor Outfitters", "+1 800 555 0199"],
 *   "actions": [
 *   { "name": "order_status", "pattern": "order\\D{0,12}(?<order>\\d{5})", "flags": "i",
 *     "webhook": "https://shop.example/colloquy/orders", "timeoutMs": 3000 },
 *   { "name": "stock", "intent": "product_stock", "lookup": { "file": "stock.json", "field": "product" } }
 * ] }
 * ```
 *
 * Each action has a trigger (`pattern` with named groups as parameters, and/or
 * `intent`) and one handler: `webhook` (POSTed to, with the bearer token from
 * COLLOQUY_ACTIONS_TOKEN) or `lookup` (records in a JSON file next to it).
 * `allowlist` names the facts the bot may always state (the fact check).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ColloquyError } from '../errors.ts';
import { lookupHandler } from './lookup.ts';
import type { ActionDefinition, ActionTrigger } from './types.ts';
import { webhookHandler } from './webhook.ts';

export interface ActionsFileOptions {
  /** Bearer token for webhooks (COLLOQUY_ACTIONS_TOKEN through src/config.ts). */
  token?: string;
}

const KEYS = new Set(['name', 'pattern', 'flags', 'intent', 'minProbability', 'webhook', 'lookup', 'timeoutMs', 'maxBytes']);

/** What an actions file declares. */
export interface ActionsFile {
  actions: ActionDefinition[];
  /** Facts the bot may always state. */
  allowlist: string[];
}

/** Reads and checks an actions file; every mistake is an error naming the file and the action. */
export async function loadActionsFile(file: string, { token }: ActionsFileOptions = {}): Promise<ActionsFile> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw invalid(file, `cannot be read as JSON (${(err as Error).message})`);
  }
  const list = (json as { actions?: unknown })?.actions;
  if (!Array.isArray(list)) throw invalid(file, 'needs an "actions" list');
  const allowlist = (json as { allowlist?: unknown }).allowlist ?? [];
  if (!Array.isArray(allowlist) || !allowlist.every((x) => typeof x === 'string')) throw invalid(file, '"allowlist" must be a list of strings');
  return { actions: list.map((raw, i) => parseAction(raw, `${file}: actions[${i}]`, path.dirname(file), token)), allowlist };
}

function parseAction(raw: unknown, where: string, dir: string, token: string | undefined): ActionDefinition {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid(where, 'must be an object');
  const a = raw as Record<string, unknown>;
  const unknown = Object.keys(a).filter((k) => !KEYS.has(k));
  if (unknown.length) throw invalid(where, `has unknown keys ${unknown.join(', ')}`);
  if (typeof a.name !== 'string' || !a.name.trim()) throw invalid(where, 'needs a "name"');
  const trigger: ActionTrigger = {};
  if (a.pattern !== undefined) {
    try {
      trigger.pattern = new RegExp(String(a.pattern), typeof a.flags === 'string' ? a.flags : 'i');
    } catch (err) {
      throw invalid(where, `has a bad pattern (${(err as Error).message})`);
    }
  }
  if (a.intent !== undefined) {
    if (typeof a.intent !== 'string') throw invalid(where, '"intent" must be a string');
    trigger.intent = a.intent;
    if (a.minProbability !== undefined) trigger.minProbability = Number(a.minProbability);
  }
  if (!trigger.pattern && !trigger.intent) throw invalid(where, 'needs a "pattern" or an "intent"');
  const timeoutMs = a.timeoutMs === undefined ? undefined : Number(a.timeoutMs);
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0)) throw invalid(where, '"timeoutMs" must be a positive integer');
  const handler = typeof a.webhook === 'string'
    ? webhookHandler({ url: checkUrl(a.webhook, where), token, ...(a.maxBytes !== undefined ? { maxBytes: Number(a.maxBytes) } : {}) })
    : isLookup(a.lookup)
      ? lookupHandler({ file: path.resolve(dir, a.lookup.file), field: a.lookup.field, ...(a.lookup.parameter ? { parameter: a.lookup.parameter } : {}) })
      : undefined;
  if (!handler) throw invalid(where, 'needs a "webhook" URL or a "lookup": {"file", "field"}');
  return { name: a.name, trigger, handler, ...(timeoutMs ? { timeoutMs } : {}) };
}

function isLookup(v: unknown): v is { file: string; field: string; parameter?: string } {
  const l = v as Record<string, unknown> | undefined;
  return typeof l === 'object' && l !== null && typeof l.file === 'string' && typeof l.field === 'string';
}

function checkUrl(url: string, where: string): string {
  try {
    if (['http:', 'https:'].includes(new URL(url).protocol)) return url;
  } catch {
    /* falls through */
  }
  throw invalid(where, `"webhook" must be an http(s) URL, got ${JSON.stringify(url)}`);
}

function invalid(where: string, problem: string): ColloquyError {
  return new ColloquyError('actions_invalid', `${where} ${problem}`, 'See README "Actions" for the file format.');
}
