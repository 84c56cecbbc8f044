/**
 * The shapes every part of Colloquy shares: a dialogue is a list of turns,
 * each spoken by the user, by the bot's side, or an action (a call to the
 * business's systems and what they answered).
 */

/** Who spoke a turn. `agent` is a human agent; the model treats it as the bot side. `action` is a backend call the model reads. */
export type Speaker = 'user' | 'bot' | 'agent' | 'action';

/** A value an action's result record holds (JSON). */
export type ActionValue = string | number | boolean | null | ActionValue[] | { [key: string]: ActionValue };

/** A call to the business's systems: what was asked, and what came back (`results`) or what went wrong (`error`). */
export interface ActionCall {
  name: string;
  parameters: Record<string, string>;
  /** The records the backend returned (empty when it found nothing). Absent when the call failed. */
  results?: Record<string, ActionValue>[];
  /** Why the call failed (timeout, HTTP status, bad answer, thrown error); the model learns to say it could not look that up. */
  error?: string;
}

/**
 * One turn. Action turns (`speaker: 'action'`) carry the call's fields, and
 * their `text` is the compact rendering the model reads (src/data/action-text.ts).
 */
export interface Turn extends Partial<ActionCall> {
  speaker: Speaker;
  text: string;
  /** What a user turn is, when the corpus says so (the scorer learns these kinds from it; other user turns are ordinary). */
  kind?: UserTurnKind;
}

/** Kinds a corpus can mark a user turn with: a request for a person, or frustration. */
export const USER_TURN_KINDS = ['asks-for-person', 'frustrated'] as const;
export type UserTurnKind = (typeof USER_TURN_KINDS)[number];

export interface Dialogue {
  id: string;
  turns: Turn[];
  /** What the dialogue is about, in order (e.g. `["orders", "returns"]`), when the corpus says: eval reports single- and multi-topic dialogues apart. */
  topics?: string[];
}

/** Speaker names accepted in corpus files, mapped to ours (`system` is how SGD writes the bot). */
const SPEAKER_ALIASES: Record<string, Speaker> = {
  user: 'user',
  customer: 'user',
  bot: 'bot',
  system: 'bot',
  assistant: 'bot',
  agent: 'agent',
  action: 'action',
};

/** Maps a speaker name from a corpus file to ours, or undefined when unknown. */
export function normalizeSpeaker(name: unknown): Speaker | undefined {
  if (typeof name !== 'string') return undefined;
  return SPEAKER_ALIASES[name.trim().toLowerCase()];
}

/** True for the turns the model learns to produce (bot and human agent). */
export function isBotSide(speaker: Speaker): boolean {
  return speaker === 'bot' || speaker === 'agent';
}

/** True when turn `i` is a reply: a bot or agent turn with text, right after a user turn or an action (what evaluation scores and what a corpus's replies teach). */
export function isReplyAt(turns: readonly Turn[], i: number): boolean {
  return i > 0 && isBotSide(turns[i].speaker) && !isBotSide(turns[i - 1].speaker) && turns[i].text.trim() !== '';
}

/** The action call a turn holds, or undefined for user, bot and agent turns. */
export function actionOf(turn: Partial<ActionCall> & { speaker: string }): ActionCall | undefined {
  if (turn.speaker !== 'action' || typeof turn.name !== 'string') return undefined;
  return {
    name: turn.name,
    parameters: turn.parameters ?? {},
    ...(turn.results !== undefined ? { results: turn.results } : {}),
    ...(turn.error !== undefined ? { error: turn.error } : {}),
  };
}
