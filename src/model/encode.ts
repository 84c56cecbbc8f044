import { isBotSide, type Turn } from '../data/dialogue.ts';
import type { Tokenizer } from '../tokenizer/index.ts';

/**
 * How the model reads a dialogue:
 *   <dlg> <user> u… <eot> <bot> b… <eot> <user> …
 * Bot-side tokens (the bot's words and the <eot> that ends a bot turn) are the
 * training targets; user words are context only.
 */
export interface EncodedDialogue {
  ids: Int32Array;
  /** 1 where ids[i] is a bot-side token the model must learn to predict. */
  target: Uint8Array;
}

/** Encodes one turn as `<role> tokens… <eot>`, keeping at most `maxTokens` words' tokens (the start). */
function encodeTurn(tok: Tokenizer, turn: Turn, maxTokens: number): number[] {
  const body = tok.encode(turn.text).slice(0, maxTokens);
  return [isBotSide(turn.speaker) ? tok.bot : tok.user, ...body, tok.eot];
}

/** Encodes a whole dialogue for training or teacher-forced evaluation. */
export function encodeDialogue(tok: Tokenizer, turns: Turn[], maxTurnTokens = 128): EncodedDialogue {
  const ids: number[] = [tok.dlg];
  const target: number[] = [0];
  for (const turn of turns) {
    const piece = encodeTurn(tok, turn, maxTurnTokens);
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
 * The prompt for the next bot reply: the most recent turns that fit
 * `budget` tokens, then `<bot>`. A single turn longer than the budget keeps
 * its last tokens, so the user's latest words always reach the model.
 */
export function encodeContext(tok: Tokenizer, history: Turn[], budget = 256, maxTurnTokens = 128): number[] {
  const room = Math.max(8, budget - 2);
  const pieces: number[][] = [];
  let used = 0;
  for (let i = history.length - 1; i >= 0; i--) {
    let piece = encodeTurn(tok, history[i], Number.MAX_SAFE_INTEGER);
    if (piece.length > maxTurnTokens + 2) piece = [piece[0], ...piece.slice(piece.length - 1 - maxTurnTokens)];
    if (used + piece.length > room) {
      if (pieces.length === 0) pieces.unshift([piece[0], ...piece.slice(piece.length - (room - 1))]);
      break;
    }
    pieces.unshift(piece);
    used += piece.length;
  }
  return [tok.dlg, ...pieces.flat(), tok.bot];
}
