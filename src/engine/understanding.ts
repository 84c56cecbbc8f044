/**
 * What the engine learns about a user's message before it answers: shared by
 * the out-of-scope scorer (which fills it) and actions (an intent is one of
 * their triggers).
 */

/** The intent the scorer predicted for a message, with its probability. */
export interface IntentPrediction {
  name: string;
  /** In [0, 1]. */
  probability: number;
}

/** What a message is, as far as the engine's reaction goes. */
export const MESSAGE_KINDS = ['ordinary', 'off-topic', 'asks-for-person', 'frustrated'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** The scorer's reading of one user message. */
export interface Understanding {
  /** Probability that the message is outside what the bot's training covers, in [0, 1]. */
  outOfScope: number;
  /** The model's calibrated threshold: scores at or above it get the fallback (unless the engine's options override it). */
  threshold: number;
  /** The most likely kind and its probability. */
  kind: MessageKind;
  kindProbability: number;
  /** Present when the scorer was trained on data with intents. */
  intent?: IntentPrediction;
  /** Share of the message's words that the bot's training texts never contain (1: none known, e.g. another language). */
  unknownWords: number;
}

/** Anything that reads a user message before the engine answers it (the scorer inside a model directory is one). */
export interface MessageUnderstander {
  understand(text: string): Understanding;
}
