import { isBotSide, type Turn } from '../data/dialogue.ts';
import { slotValuesAt, withStandIns } from '../data/slot-values.ts';
import type { SlotValues, Tokenizer } from '../tokenizer/index.ts';

/**
 * How the model reads a dialogue:
 *   <dlg> <user> u… <eot> <act> a… <eot> <bot> b… <eot> <user> …
 * Bot-side tokens (the bot's words and the <eot> that ends a bot turn) are the
 * training targets; user words and action turns (a backend call's rendered
 * results) are context only. A tokenizer without `<act>` (a model trained
 * before action turns) reads them as user turns. With slot tokens, a bot
 * turn writes a value of the newest action before it as its field's one token
 * (src/data/slot-values.ts), in training and in the history alike.
 */
export interface EncodedDialogue {
  ids: Int32Array;
  /** 1 where ids[i] is a bot-side token the model must learn to predict. */
  target: Uint8Array;
}

function roleOf(tok: Tokenizer, turn: Turn): number {
  if (isBotSide(turn.speaker)) return tok.bot;
  return turn.speaker === 'action' ? (tok.act ?? tok.user) : tok.user;
}

/** Encodes one turn as `<role> tokens… <eot>`, keeping at most `maxTokens` words' tokens (the start); a bot turn writes `slots`' values as slot tokens. */
function encodeTurn(tok: Tokenizer, turn: Turn, maxTokens: number, slots?: SlotValues): number[] {
  const body = tok.encode(turn.text, isBotSide(turn.speaker) ? slots : undefined).slice(0, maxTokens);
  return [roleOf(tok, turn), ...body, tok.eot];
}

/** Encodes a whole dialogue for training or teacher-forced evaluation. */
export function encodeDialogue(tok: Tokenizer, turns: Turn[], maxTurnTokens = 128): EncodedDialogue {
  const ids: number[] = [tok.dlg];
  const target: number[] = [0];
  const slots = slotsOf(tok, turns);
  for (const [i, turn] of turns.entries()) {
    const piece = encodeTurn(tok, turn, maxTurnTokens, slots?.[i]);
    const bot = isBotSide(turn.speaker);
    piece.forEach((id, k) => {
      ids.push(id);
      // The role tag itself follows from the turn order; the words and the <eot> are learned.
      target.push(bot && k > 0 ? 1 : 0);
    });
  }
  return { ids: Int32Array.from(ids), target: Uint8Array.from(target) };
}

/**
 * A turn cut to `maxTurnTokens`: an action keeps its start (the call and the
 * first records), any other turn its end (the user's latest words).
 */
function contextPiece(tok: Tokenizer, turn: Turn, maxTurnTokens: number, slots?: SlotValues): number[] {
  if (turn.speaker === 'action') return encodeTurn(tok, turn, maxTurnTokens);
  const piece = encodeTurn(tok, turn, Number.MAX_SAFE_INTEGER, slots);
  return piece.length > maxTurnTokens + 2 ? [piece[0], ...piece.slice(piece.length - 1 - maxTurnTokens)] : piece;
}

/**
 * The prompt for the next bot reply: the most recent turns that fit
 * `budget` tokens, then `<bot>`. A single turn longer than the budget keeps
 * its last tokens, so the user's latest words always reach the model. The
 * newest action turn stays in the prompt when the budget cuts history before
 * it: the turns between it and the newest turn that do not fit are left out.
 */
export function encodeContext(tok: Tokenizer, history: Turn[], budget = 256, maxTurnTokens = 128): number[] {
  return encodePrompt(tok, history, budget, maxTurnTokens).ids;
}

/**
 * {@link encodeContext}'s prompt and the slot values the reply's slot tokens
 * stand for after the history (undefined when the tokenizer has none): the
 * values the history was written with, worked out once for both.
 */
export function encodePrompt(tok: Tokenizer, history: Turn[], budget = 256, maxTurnTokens = 128): { ids: number[]; slots: SlotValues | undefined } {
  const room = Math.max(8, budget - 2);
  const pieces: number[][] = [];
  let used = 0;
  const slots = slotsOf(tok, history);
  let i = history.length - 1;
  for (; i >= 0; i--) {
    const piece = contextPiece(tok, history[i], maxTurnTokens, slots?.[i]);
    if (used + piece.length > room) {
      if (pieces.length === 0) pieces.unshift([piece[0], ...piece.slice(piece.length - (room - 1))]);
      break;
    }
    pieces.unshift(piece);
    used += piece.length;
  }
  const newestAction = findLastIndex(history, (t) => t.speaker === 'action');
  if (newestAction >= 0 && newestAction <= i) {
    const action = contextPiece(tok, history[newestAction], maxTurnTokens);
    // keep the newest turn (the user's message) whole; drop the oldest kept turns until the action fits
    while (pieces.length > 1 && used + action.length > room) used -= pieces.splice(0, 1)[0].length;
    if (used + action.length <= room) pieces.unshift(action);
  }
  return { ids: [tok.dlg, ...pieces.flat(), tok.bot], slots: slots?.[history.length] };
}

/** The slot values before each turn, with the stand-ins for fields without a slot token, when the tokenizer has slot tokens. */
function slotsOf(tok: Tokenizer, turns: readonly Turn[]): SlotValues[] | undefined {
  if (tok.slotFields.length === 0) return undefined;
  const done = new Map<SlotValues, SlotValues>();
  return slotValuesAt(turns).map((values) => done.get(values) ?? done.set(values, withStandIns(values, tok.slotFields)).get(values)!);
}

function findLastIndex<T>(items: T[], test: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i])) return i;
  return -1;
}
