import type { Client } from 'discord.js';
import { errorText, type Logger } from '../../src/index.ts';
import { channelOfConversation } from './conversation-id.ts';
import { splitMessage } from './split-message.ts';

/** Sends `text` to a channel, split at 2,000 characters; resolves with the sent message ids. */
export async function sendToChannel(client: Client, channelId: string, text: string): Promise<string[]> {
  const channel = await client.channels.fetch(channelId);
  if (!channel || !channel.isSendable()) throw new Error(`channel ${channelId} is not one the bot can send to`);
  const ids: string[] = [];
  for (const content of splitMessage(text)) ids.push((await channel.send({ content })).id);
  return ids;
}

/**
 * Messages pushed to users outside an answer (agent messages, notices), sent
 * one after another per conversation so they arrive in the order the engine
 * emitted them. Failures are logged.
 */
export interface Pusher {
  push(conversationId: string, text: string): Promise<void>;
}

export function createPusher(client: Client, logger: Logger): Pusher {
  const tails = new Map<string, Promise<void>>();
  return {
    push(conversationId, text) {
      const channelId = channelOfConversation(conversationId);
      if (!channelId) {
        logger.warn('discord: no channel for conversation', { conversationId });
        return Promise.resolve();
      }
      const previous = tails.get(conversationId) ?? Promise.resolve();
      const next = previous.then(async () => {
        try {
          await sendToChannel(client, channelId, text);
        } catch (err) {
          logger.error('discord: could not deliver a message to the user', { conversationId, error: errorText(err) });
        }
      });
      tails.set(conversationId, next);
      void next.then(() => {
        if (tails.get(conversationId) === next) tails.delete(conversationId);
      });
      return next;
    },
  };
}
