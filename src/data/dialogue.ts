/**
 * The shapes every part of Colloquy shares: a dialogue is a list of turns,
 * each spoken by the user or by the bot's side.
 */

/** Who spoke a turn. `agent` is a human agent; the model treats it as the bot side. */
export type Speaker = 'user' | 'bot' | 'agent';

export interface Turn {
  speaker: Speaker;
  text: string;
}

export interface Dialogue {
  id: string;
  turns: Turn[];
}

/** Speaker names accepted in corpus files, mapped to ours (`system` is how SGD writes the bot). */
const SPEAKER_ALIASES: Record<string, Speaker> = {
  user: 'user',
  customer: 'user',
  bot: 'bot',
  system: 'bot',
  assistant: 'bot',
  agent: 'agent',
};

/** Maps a speaker name from a corpus file to ours, or undefined when unknown. */
export function normalizeSpeaker(name: unknown): Speaker | undefined {
  if (typeof name !== 'string') return undefined;
  return SPEAKER_ALIASES[name.trim().toLowerCase()];
}

/** True for the turns the model learns to produce (bot and human agent). */
export function isBotSide(speaker: Speaker): boolean {
  return speaker !== 'user';
}
