import { readFile } from 'node:fs/promises';
import { ColloquyError } from '../errors.ts';
import type { ActionHandler, ActionResults } from './types.ts';

export interface LookupOptions {
  /** A JSON file holding a list of records (or `{ "records": [...] }`). */
  file: string;
  /** The record field compared with the parameter of the same name (or `parameter`). */
  field: string;
  parameter?: string;
}

/**
 * A handler that answers from a JSON file of records: the records whose
 * `field` equals the parameter (compared as text, case and spaces ignored).
 * The file is read on each call, so edits show at once. Good for demos and
 * small catalogues; a real shop answers through a webhook.
 *
 * @example
 * const handler = lookupHandler({ file: 'orders.json', field: 'order' }); // handler({ order: '48213' }, ctx)
 */
export function lookupHandler({ file, field, parameter = field }: LookupOptions): ActionHandler {
  return async (parameters) => {
    const wanted = normalize(parameters[parameter]);
    if (!wanted) return [];
    const json: unknown = JSON.parse(await readFile(file, 'utf8'));
    const records = Array.isArray(json) ? json : (json as { records?: unknown })?.records;
    if (!Array.isArray(records)) throw new ColloquyError('actions_invalid', `${file} holds no list of records`, 'A lookup file is a JSON array of records, or {"records": [...]}.');
    return (records as ActionResults).filter((r) => normalize(r?.[field]) === wanted);
  };
}

function normalize(v: unknown): string {
  return v === undefined || v === null ? '' : String(v).toLowerCase().replace(/[\s#]+/g, '');
}
