import { errorText, createThrottledEditor, type EngineReply, type EngineResult, type Logger } from '../../src/index.ts';
import type { Message } from 'discord.js';
import { firstPiece, splitMessage } from './split-message.ts';

export interface DeliverReplyInput {
  /** The user's message; the answer replies to it. */
  source: Message;
  reply: EngineReply;
  /** Minimum time between two edits of the streamed message. */
  editIntervalMs: number;
  logger: Logger;
}

export interface DeliveredReply {
  result: EngineResult;
  /** The bot messages holding the answer, in order (empty when nothing was shown). */
  messageIds: string[];
}

/**
 * Shows one engine answer on Discord: replies to `source` with the first
 * tokens, edits that reply (throttled) as tokens arrive, then puts the final
 * text in its place — the fallback text when the model was not confident.
 * Text past 2,000 characters goes in follow-up replies. Silent answers send
 * nothing. A failed REST call is logged; it never throws past the stream.
 */
export async function deliverReply({ source, reply, editIntervalMs, logger }: DeliverReplyInput): Promise<DeliveredReply> {
  let shown: Message | undefined;
  /** What the message holds for sure (set only when a write succeeded). */
  let written: string | undefined;
  const write = async (content: string) => {
    if (!shown) shown = await source.reply({ content });
    else await shown.edit({ content });
    written = content;
  };
  const warn = (err: unknown) => logger.warn('discord: streaming edit failed', { channelId: source.channelId, error: errorText(err) });
  const editor = createThrottledEditor({ intervalMs: editIntervalMs, edit: write, onError: warn });

  let streamed = '';
  for await (const piece of reply.stream) {
    streamed += piece;
    const head = firstPiece(streamed);
    if (head) editor.update(head);
  }
  const result = await reply.result;
  const parts = result.kind === 'silent' ? [] : splitMessage(result.text);
  // a streamed message settles on the final text (or, with nothing to show, on what it has)
  const final = parts[0] ?? (streamed.trim() ? firstPiece(streamed) : undefined);
  if (final !== undefined) {
    await editor.finish(final).catch(warn);
    // the editor counts a failed write as shown: make sure the final text is there
    if (written !== final) {
      try {
        await write(final);
      } catch (err) {
        logger.error('discord: could not show the reply', { channelId: source.channelId, error: errorText(err) });
      }
    }
  }

  const messageIds = shown ? [shown.id] : [];
  for (const content of parts.slice(1)) {
    try {
      const more = await source.reply({ content, allowedMentions: { parse: [], repliedUser: false } });
      messageIds.push(more.id);
    } catch (err) {
      logger.error('discord: could not send the rest of a long reply', { channelId: source.channelId, error: errorText(err) });
      break;
    }
  }
  return { result, messageIds };
}

