/**
 * Small readers a channel plugin's `fromConfig` uses on its variables' values:
 * each returns the parsed value or throws a `config_invalid` ColloquyError
 * that names the variable and what to do.
 */
import { ColloquyError } from '../errors.ts';
import type { ChannelVariableValues } from './types.ts';

/** The error a half or wrong channel configuration is. */
export function configError(message: string, hint: string): ColloquyError {
  return new ColloquyError('config_invalid', message, hint);
}

/** A port number (0 to 65535), `fallback` when unset. */
export function portValue(values: ChannelVariableValues, name: string, fallback: number): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw configError(`${name} must be an integer from 0 to 65535, got ${JSON.stringify(raw)}`, `Leave it unset for ${fallback}.`);
  return port;
}

/** An http(s) URL, or undefined when unset. */
export function urlValue(values: ChannelVariableValues, name: string): string | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  let ok = false;
  try {
    ok = ['http:', 'https:'].includes(new URL(v).protocol);
  } catch {
    /* not a URL */
  }
  if (!ok) throw configError(`${name} must be an http(s) URL, got ${JSON.stringify(v)}`, `Unset ${name} to use the platform's own API.`);
  return v;
}

/** A comma-separated list (empty when unset). */
export function listValue(values: ChannelVariableValues, name: string): string[] {
  return (values[name] ?? '').split(',').map((x) => x.trim()).filter(Boolean);
}
