import { runTerminalChat } from '../../../adapters/terminal/terminal-chat.ts';
import { LstmGenerator } from '../../generation/generator.ts';
import { loadModel } from '../../model/model-dir.ts';
import { parseFlags } from '../args.ts';
import type { CliContext } from '../context.ts';
import { generateFlags, generateOptionsFrom } from './generate-flags.ts';

export const CHAT_USAGE = `colloquy chat [--model DIR] [decoding flags]
  chats in the terminal with replies streamed token by token; with piped input,
  answers each line on its own output line and exits at end of input
  --model DIR          default: $COLLOQUY_MODEL or the bundled models/default`;

/** `colloquy chat`: the terminal channel. */
export async function chatCommand(argv: string[], ctx: CliContext): Promise<void> {
  const f = parseFlags(argv, { model: { type: 'string' }, backend: { type: 'string' }, ...generateFlags });
  await ctx.startBackend(f.backend);
  const model = await loadModel((f.model as string | undefined) ?? ctx.env.model);
  ctx.logger.info(`model ${model.manifest.name} (version ${model.manifest.version})`);
  const generator = new LstmGenerator(model);
  try {
    await runTerminalChat({ generator, generate: generateOptionsFrom(f) });
  } finally {
    generator.dispose();
    model.dispose();
  }
}
