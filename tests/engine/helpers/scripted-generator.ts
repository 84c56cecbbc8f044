/**
 * A deterministic Generator for the engine tests: replies and confidence come
 * from a script, text streams in word-sized pieces, and a reply can be held
 * back on a gate (to test ordering and concurrency without sleeping).
 */
import type { Turn } from '../../../src/data/dialogue.ts';
import type { Generator, Reply, ReplyControl } from '../../../src/generation/generator.ts';
import type { GenerateOptions } from '../../../src/generation/options.ts';
import { createReplyStream, type ReplyStream } from '../../../src/generation/reply-stream.ts';

export interface ScriptedReply {
  text: string;
  /** Mean log-probability; default −0.5 (confident). */
  meanLogProb?: number;
  /** The reply waits for this before it starts. */
  gate?: Promise<void>;
  /** The generator fails with this instead of replying. */
  fail?: Error;
  /** Other candidates written with the reply, best first (as consensus decoding gives them). */
  alternatives?: Reply['alternatives'];
}

export type Script = (context: Turn[], call: number) => ScriptedReply;

export interface ScriptedGenerator extends Generator {
  /** Every call's context and options, in call order. */
  readonly calls: Array<{ context: Turn[]; opts: Partial<GenerateOptions> | undefined; control: ReplyControl | undefined }>;
}

/** Echoes the last user turn: "You said: …". */
export const echo: Script = (context) => ({ text: `You said: ${context[context.length - 1]?.text ?? ''}` });

/** Replies from a list in order (then echoes); plain strings are confident replies. */
export function inOrder(...replies: Array<string | ScriptedReply>): Script {
  return (context, call) => {
    const r = replies[call];
    return r === undefined ? echo(context, call) : typeof r === 'string' ? { text: r } : r;
  };
}

export function createScriptedGenerator(script: Script = echo, modelVersion = 'scripted-1'): ScriptedGenerator {
  const calls: ScriptedGenerator['calls'] = [];
  return {
    modelVersion,
    calls,
    reply(context: Turn[], opts?: Partial<GenerateOptions>, control?: ReplyControl): ReplyStream<Reply> {
      const call = calls.length;
      calls.push({ context: structuredClone(context), opts, control });
      const r = script(context, call);
      return createReplyStream(async (emit) => {
        await r.gate;
        if (r.fail) throw r.fail;
        const pieces = r.text.match(/\s*\S+/g) ?? [];
        for (const piece of pieces) {
          emit(piece);
          await new Promise((resolve) => setImmediate(resolve));
        }
        return { text: r.text.trim(), tokens: pieces.length, meanLogProb: r.meanLogProb ?? -0.5, modelVersion, truncated: false, ...(r.alternatives ? { alternatives: r.alternatives } : {}) };
      });
    },
  };
}

/** A promise to hold a reply back, and the function that lets it go. */
export function createGate(): { gate: Promise<void>; open: () => void } {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  return { gate, open };
}
