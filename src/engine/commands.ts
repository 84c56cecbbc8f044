import type { CommandNames } from './options.ts';

export type CommandName = keyof CommandNames;

/** A message read as a command: a known one, or something that looks like a command but is not one. */
export type ParsedCommand = { name: CommandName; args: string } | { unknown: string };

const LOOKS_LIKE_COMMAND = /^\/[a-z][\w-]*$/i;

/**
 * Reads the first word of `text` as a command (case-insensitive). Text that
 * does not start with a command word is a plain message (undefined).
 *
 * @example
 * parseCommand('/agent my card was charged twice', DEFAULT_COMMANDS); // { name: 'agent', args: 'my card was charged twice' }
 * parseCommand('/frobnicate', DEFAULT_COMMANDS); // { unknown: '/frobnicate' }
 * parseCommand('1/2 price?', DEFAULT_COMMANDS); // undefined
 */
export function parseCommand(text: string, names: CommandNames): ParsedCommand | undefined {
  const trimmed = text.trim();
  const [word = ''] = trimmed.split(/\s+/, 1);
  const args = trimmed.slice(word.length).trim();
  const lower = word.toLowerCase();
  for (const [name, spelled] of Object.entries(names) as [CommandName, string][]) {
    if (spelled.toLowerCase() === lower) return { name, args };
  }
  return LOOKS_LIKE_COMMAND.test(word) ? { unknown: word } : undefined;
}

/** True when `text` reads as a command, known or not (the model never sees those turns). */
export function isCommand(text: string, names: CommandNames): boolean {
  return parseCommand(text, names) !== undefined;
}
