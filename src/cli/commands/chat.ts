import { BUILTIN_CHANNELS } from '../../../adapters/registry.ts';
import { DEFAULT_DATA_DIR } from '../../config.ts';
import { createMemoryStore } from '../../engine/memory-store.ts';
import { ColloquyError } from '../../errors.ts';
import type { ConversationStore } from '../../storage/types.ts';
import { parseFlags } from '../args.ts';
import type { CliContext } from '../context.ts';
import { openLogForWriting } from './log-dir.ts';
import { generateFlags, GROUNDING_USAGE, groundingFlags } from './generate-flags.ts';
import { startBot } from '../bot.ts';
import { configuredChannels } from '../channels.ts';
import { watchPrivacyRequests } from '../../privacy/requests.ts';

export const CHAT_USAGE = `colloquy chat [--model DIR | --models-dir DIR] [--data-dir DIR | --no-log] [decoding flags]
  chats in the terminal through the conversation engine (/reset, /help, /agent, /bot),
  replies streamed; with piped input, answers each line on its own output line and
  exits at end of input
  --model DIR          a fixed model (default: $COLLOQUY_MODEL, else the registry's active one)
  --models-dir DIR     the model registry to serve from; promotions and rollbacks apply
                       without a restart (default: $COLLOQUY_MODELS_DIR or models/)
  --data-dir DIR       where the conversation is logged (default: conversations/)
  --no-log             keep the conversation in memory only
${GROUNDING_USAGE}`;

/** The flags `colloquy chat` accepts (its --help lists each). */
export const CHAT_FLAGS = { model: { type: 'string' }, 'models-dir': { type: 'string' }, backend: { type: 'string' }, 'data-dir': { type: 'string' }, 'no-log': { type: 'boolean' }, ...generateFlags, ...groundingFlags } as const;

/** `colloquy chat`: the foreground channels of the registry (the terminal). */
export async function chatCommand(argv: string[], ctx: CliContext): Promise<void> {
  const f = parseFlags(argv, CHAT_FLAGS);
  if (f['no-log'] && f['data-dir'] !== undefined) throw new ColloquyError('usage', '--no-log and --data-dir exclude each other');
  const dataDir = (f['data-dir'] as string | undefined) ?? DEFAULT_DATA_DIR;
  const specs = configuredChannels(BUILTIN_CHANNELS, ctx.env, { foreground: true });
  const bot = await startBot(f, ctx, () => openStore(f['no-log'] === true, dataDir, ctx));
  let privacyRequests: Awaited<ReturnType<typeof watchPrivacyRequests>> | undefined;
  try {
    // `colloquy delete-user` / `retention` while this session holds the log go through it
    if (!f['no-log'] && !ctx.env.database) privacyRequests = await watchPrivacyRequests({ dataDir, store: bot.store, logger: ctx.logger });
    // the foreground channels (the terminal) run until their input ends
    const running = await Promise.all(specs.map((s) => s.channel.start({ engine: bot.engine, logger: ctx.logger, host: ctx.env.host, dataDir })));
    await Promise.all(running.map((r) => r.done));
  } finally {
    await privacyRequests?.stop();
    await bot.close();
  }
}

async function openStore(noLog: boolean, dir: string, ctx: CliContext): Promise<ConversationStore> {
  if (noLog) {
    ctx.logger.info('conversation log off (--no-log): nothing is written');
    return createMemoryStore();
  }
  const store = await openLogForWriting(dir, 'chat', ctx);
  ctx.logger.info(`logging the conversation to ${dir}`);
  return store;
}
