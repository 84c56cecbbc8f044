import { errorText, createThrottledEditor, type EngineReply, type EngineResult, type Logger } from '../../src/index.ts';
import type { PostTarget, SlackPoster } from './slack-poster.ts';
import { toSlack } from './slack-text.ts';

/** Ends the text while it is still being written; the final edit drops it. */
export const STREAMING_CURSOR = ' ▍';

export interface DeliverReplyInput {
  reply: EngineReply;
  to: Required<PostTarget>;
  conversationId: string;
  poster: SlackPoster;
  /** Minimum time between two `chat.update` calls on the message. */
  editIntervalMs: number;
  /** Shown in place of a half-streamed reply when the engine fails. */
  failureText: string;
  logger: Logger;
}

/** The answer as delivered: the engine's result and the Slack message that shows it (none when silent or when posting failed). */
export interface Delivered {
  result?: EngineResult;
  ts?: string;
}

/**
 * Shows one engine answer in a thread. A reply still being generated when
 * the first edit would be due is posted with what it has so far, edited as
 * pieces come (throttled) and replaced by the final text — the fallback text
 * when `result.kind` is `fallback`. An answer complete before then (a fast
 * reply, a command, a notice) is posted once, as it is; a silent one posts
 * nothing. Slack errors are logged, never thrown.
 */
export async function deliverReply({ reply, to, conversationId, poster, editIntervalMs, failureText, logger }: DeliverReplyInput): Promise<Delivered> {
  const where = { conversationId };
  let ts: string | undefined;
  let turnId: string | undefined;
  const write = async (text: string) => {
    if (ts) await poster.update(to.channel, ts, text);
    else ts = await poster.post(to, text, { kind: 'reply', conversationId, ...(turnId ? { turnId } : {}) });
  };
  const editor = createThrottledEditor({ edit: write, intervalMs: editIntervalMs, onError: (err) => logger.warn('slack: streaming edit failed', { ...where, error: errorText(err) }) });
  try {
    let text = '';
    for await (const piece of reply.stream) {
      text += piece;
      editor.update(toSlack(text.trim()) + STREAMING_CURSOR);
    }
    const result = await reply.result;
    turnId = result.turnId;
    if (result.text) await editor.finish(toSlack(result.text));
    else if (ts) await poster.remove(to.channel, ts);
    return { result, ts };
  } catch (err) {
    logger.error('slack: could not deliver the reply', { ...where, error: errorText(err) });
    const result = await reply.result.catch(() => undefined);
    // the engine failed mid-stream: do not leave half a reply standing
    if (ts && !result) await poster.update(to.channel, ts, toSlack(failureText)).catch(() => {});
    return { result, ts };
  }
}
