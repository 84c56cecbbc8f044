/**
 * One inbound message, start to finish: check the text, open the conversation
 * (new session after idle time, overdue hand-off request closed), log the
 * user's turn, then answer — a command, silence while a human is involved, or
 * the model's reply through the confidence gate — and write it all at once.
 */
import { isColloquyError } from '../errors.ts';
import type { Reply } from '../generation/generator.ts';
import type { FactCheckVerdict, LoggedTurn } from '../storage/types.ts';
import { factCheckReply, runMatchingAction } from './grounding.ts';
import { isCommand, parseCommand, type CommandName } from './commands.ts';
import { commit, draftOrNew, holdingConversation, refOf, type EngineContext } from './context.ts';
import type { Draft } from './draft.ts';
import { reportFailure } from './failures.ts';
import { botAnswers, closeHandoff, requestHandoff, timeOutIfDue } from './handoff.ts';
import { redelivery } from './exactly-once.ts';
import { normalizeInput } from './input.ts';
import { say } from './options.ts';
import { isSessionExpired, modelContext } from './session.ts';
import type { EngineResult, FallbackEvent, InboundMessage, ReplyKind } from './types.ts';
import type { Understanding } from './understanding.ts';

/** Receives the answer's text as it is made: the generator's pieces live, or the whole text at once. */
export type EmitPiece = (piece: string) => void;

interface Answer {
  kind: ReplyKind;
  text: string;
  /** True when the text already went out piece by piece. */
  streamed?: boolean;
  turn?: LoggedTurn;
  confidence?: number;
  modelVersion?: string;
}

/** Answers one message. Never throws for anything a user or the store does: those become polite notices. */
export async function handleMessage(ctx: EngineContext, msg: InboundMessage, emit: EmitPiece): Promise<EngineResult> {
  const { options, logger } = ctx;
  const ref = { conversationId: msg.conversationId, channel: msg.channel, userId: msg.userId };
  const input = normalizeInput(msg.text, options.maxMessageChars);
  if (!input.ok) {
    logger.debug('message refused', { conversationId: msg.conversationId, problem: input.problem });
    return unlogged(ctx, ref, say(options, input.problem === 'empty' ? 'empty' : 'tooLong'), emit);
  }
  try {
    // across instances sharing a store, one of them at a time answers this conversation
    return await holdingConversation(ctx, msg.conversationId, () => answerMessage(ctx, msg, input.text, emit));
  } catch (err) {
    if (isColloquyError(err, 'storage_conversation_deleted')) {
      // a privacy deletion landed while this message was answered: not a failure, and nothing of it is kept
      ctx.logger.info('message not logged: its conversation was deleted meanwhile', { conversationId: msg.conversationId });
      return unlogged(ctx, ref, say(options, 'retry'), emit);
    }
    // the store failed to read or write (or a bug): the draft was not written, so what is stored is as it was
    reportFailure(ctx, 'store', err, { conversationId: msg.conversationId, channel: msg.channel });
    return unlogged(ctx, ref, say(options, 'retry'), emit);
  }
}

async function answerMessage(ctx: EngineContext, msg: InboundMessage, text: string, emit: EmitPiece): Promise<EngineResult> {
  const now = ctx.clock.now();
  const at = now.toISOString();
  const { draft, isNew } = await draftOrNew(ctx, { id: msg.conversationId, channel: msg.channel, userId: msg.userId }, at);
  const again = msg.externalId === undefined ? undefined : redelivery(draft.record, msg.externalId);
  if (again) {
    ctx.logger.info('redelivered message not answered again', { conversationId: msg.conversationId, externalId: msg.externalId });
    return again;
  }
  if (!isNew && isSessionExpired(draft.record, now, ctx.options.sessionIdleMinutes)) draft.startSession();
  timeOutIfDue(ctx, draft, now);

  const handoffAtReceipt = draft.record.handoff.state;
  const parsed = parseCommand(text, ctx.options.commands);
  const command = parsed && 'name' in parsed ? parsed.name : undefined;
  const understanding = !parsed && botAnswers(draft.record.handoff) ? understand(ctx, text) : undefined;
  const userTurn = draft.addTurn({ speaker: 'user', text, userId: msg.userId, outOfScope: understanding?.outOfScope, intent: understanding?.intent, ...(msg.externalId === undefined ? {} : { externalId: msg.externalId }) });
  draft.emit('message', {
    ...refOf(draft.record),
    text,
    turnId: userTurn.id,
    sessionId: userTurn.sessionId,
    handoff: handoffAtReceipt,
    ...(msg.receivedAt ? { receivedAt: msg.receivedAt } : {}),
    ...(command ? { command } : {}),
    ...(understanding ? { understanding } : {}),
  });

  let answer: Answer;
  if (command) answer = runCommand(ctx, draft, command, at);
  else if (!botAnswers(draft.record.handoff)) answer = { kind: 'silent', text: '' }; // the agent sees the message via the `message` hook
  else if (parsed) answer = notice(draft, say(ctx.options, 'unknownCommand', { command: (parsed as { unknown: string }).unknown }));
  else answer = (understanding && react(ctx, draft, understanding, at)) || (await generate(ctx, draft, at, emit, understanding));

  if (answer.kind !== 'silent') {
    draft.emit('reply', {
      ...refOf(draft.record),
      kind: answer.kind,
      text: answer.text,
      turnId: answer.turn?.id,
      confidence: answer.confidence,
      modelVersion: answer.modelVersion,
    });
  }
  await commit(ctx, draft);
  if (!answer.streamed && answer.text) emit(answer.text);
  return {
    conversationId: msg.conversationId,
    kind: answer.kind,
    text: answer.text,
    userTurnId: userTurn.id,
    ...(answer.turn ? { turnId: answer.turn.id } : {}),
    ...(answer.confidence !== undefined ? { confidence: answer.confidence, modelVersion: answer.modelVersion } : {}),
    ...(understanding ? { understanding } : {}),
  };
}

function notice(draft: Draft, text: string, kind: ReplyKind = 'notice'): Answer {
  return { kind, text, turn: draft.addTurn({ speaker: 'notice', text }) };
}

function runCommand(ctx: EngineContext, draft: Draft, command: CommandName, at: string): Answer {
  const o = ctx.options;
  const open = botAnswers(draft.record.handoff);
  switch (command) {
    case 'reset':
      draft.startSession();
      return notice(draft, say(o, 'reset'), 'command');
    case 'help':
      return notice(draft, o.helpText, 'command');
    case 'agent':
      if (!open) return notice(draft, say(o, 'handoffAlready'), 'command');
      if (!ctx.agentsFor(draft.record.channel)) return notice(draft, say(o, 'noAgents'), 'command'); // nobody to hand to: the bot stays
      requestHandoff(draft, 'command', at);
      return notice(draft, say(o, 'handoffRequested'), 'command');
    case 'bot':
      if (open) return notice(draft, say(o, 'botAlready'), 'command');
      closeHandoff(draft, 'user', at);
      return notice(draft, say(o, 'backToBot'), 'command');
  }
}

/**
 * Runs the matching action (its results logged as an action turn the model
 * reads), asks the model, streaming its pieces as they come, then gates the
 * reply on its confidence (known only at the end) and on the fact check;
 * enough fallbacks in a row ask for a human. A fallback's or a replacement's
 * text is in the result: adapters replace what streamed.
 */
async function generate(ctx: EngineContext, draft: Draft, at: string, emit: EmitPiece, understanding?: Understanding): Promise<Answer> {
  const o = ctx.options;
  const contextOf = () => modelContext(draft.record, { maxHistoryTurns: o.maxHistoryTurns, isCommand: (t) => isCommand(t, o.commands) });
  const userText = draft.record.turns[draft.record.turns.length - 1].text;
  await runMatchingAction(ctx, draft, userText, contextOf(), understanding?.intent);
  const context = contextOf();
  let reply: Reply;
  try {
    const stream = ctx.generator.reply(context, { contextTokens: o.contextTokens });
    for await (const piece of stream) emit(piece);
    reply = await stream.result;
  } catch (err) {
    reportFailure(ctx, 'generator', err, { conversationId: draft.record.id, channel: draft.record.channel });
    return notice(draft, say(o, 'error'));
  }
  let text = reply.text;
  let confidence = reply.meanLogProb;
  let factCheck: FactCheckVerdict | undefined;
  // an empty reply or an unknown confidence never passes (NaN fails the comparison)
  let passes = Boolean(reply.text.trim()) && confidence >= o.confidenceThreshold;
  if (passes && ctx.grounding.factCheck) {
    const checked = await factCheckReply(ctx, context, reply);
    factCheck = checked.verdict;
    passes = checked.text !== undefined;
    if (checked.text !== undefined) [text, confidence] = [checked.text, checked.confidence ?? confidence];
  }
  const logged = { confidence: Number.isFinite(confidence) ? confidence : undefined, modelVersion: reply.modelVersion, factCheck };
  if (passes) {
    if (draft.record.consecutiveFallbacks) draft.setFallbacks(0);
    const turn = draft.addTurn({ speaker: 'bot', text, ...logged });
    return { kind: 'reply', text, streamed: true, turn, confidence, modelVersion: reply.modelVersion };
  }

  return fallback(ctx, draft, at, { reason: 'confidence', text: o.fallbackText, generated: reply.text, confidence, modelVersion: reply.modelVersion, outOfScope: understanding?.outOfScope, factCheck });
}

/** The scorer's reading, or undefined when the model has no scorer or it fails (the reply then goes ahead as without one). */
function understand(ctx: EngineContext, text: string): Understanding | undefined {
  try {
    return ctx.generator.understand?.(text) ?? undefined;
  } catch (err) {
    ctx.logger.error('scorer failed', { error: (err as Error)?.message ?? String(err) });
    return undefined;
  }
}

/**
 * Answers from the scorer's reading alone, before any generation: a request
 * for a person hands off, frustration gets an apology with the offer of a
 * person, an out-of-scope message the fallback. Undefined: let the model reply.
 */
function react(ctx: EngineContext, draft: Draft, u: Understanding, at: string): Answer | undefined {
  const o = ctx.options;
  if (u.kind === 'asks-for-person' && o.handoffOnRequest) {
    if (!ctx.agentsFor(draft.record.channel)) return notice(draft, say(o, 'noAgents')); // nobody to hand to: the bot stays
    requestHandoff(draft, 'command', at);
    return notice(draft, say(o, 'handoffRequested'));
  }
  if (u.kind === 'frustrated' && o.offerPersonWhenFrustrated) {
    if (draft.record.consecutiveFallbacks) draft.setFallbacks(0);
    const text = say(o, 'frustrated');
    return { kind: 'reply', text, turn: draft.addTurn({ speaker: 'bot', text }) };
  }
  const threshold = o.outOfScopeThreshold ?? u.threshold;
  if (!(u.outOfScope >= threshold)) return undefined;
  // hardly a word the bot knows: most likely another language, so say which one it speaks
  const text = say(o, u.unknownWords >= OTHER_LANGUAGE_SHARE ? 'otherLanguage' : 'outOfScope');
  return fallback(ctx, draft, at, { reason: 'out-of-scope', text, generated: '', modelVersion: ctx.generator.modelVersion, outOfScope: u.outOfScope });
}

/** Share of unknown words above which an out-of-scope message is answered as being in another language. */
const OTHER_LANGUAGE_SHARE = 0.8;

interface FallbackInput {
  reason: FallbackEvent['reason'];
  text: string;
  generated: string;
  confidence?: number;
  modelVersion: string;
  outOfScope?: number;
  /** The fact check's verdict on `generated`, when it ran. */
  factCheck?: FactCheckVerdict;
}

/** The fallback turn; enough of them in a row ask for a human instead. */
function fallback(ctx: EngineContext, draft: Draft, at: string, f: FallbackInput): Answer {
  const o = ctx.options;
  const consecutive = draft.record.consecutiveFallbacks + 1;
  const giveUp = o.maxConsecutiveFallbacks > 0 && consecutive >= o.maxConsecutiveFallbacks;
  const handOff = giveUp && ctx.agentsFor(draft.record.channel);
  const text = handOff ? say(o, 'handoffAfterFallbacks') : giveUp ? say(o, 'noAgentsAfterFallbacks') : f.text;
  const confidence = f.confidence !== undefined && Number.isFinite(f.confidence) ? f.confidence : undefined;
  const turn = draft.addTurn({ speaker: 'bot', text, fallback: true, confidence, modelVersion: f.modelVersion, factCheck: f.factCheck });
  draft.setFallbacks(consecutive);
  draft.emit('fallback', { ...refOf(draft.record), turnId: turn.id, reason: f.reason, generated: f.generated, confidence: f.confidence, outOfScope: f.outOfScope, modelVersion: f.modelVersion, consecutive });
  if (handOff) requestHandoff(draft, 'fallbacks', at);
  else if (giveUp) draft.setFallbacks(0); // told how else to reach the shop: count afresh
  // a generated reply already streamed (adapters replace it); an out-of-scope fallback goes out whole
  return { kind: 'fallback', text, streamed: f.reason === 'confidence', turn, confidence: f.confidence, modelVersion: f.modelVersion };
}

/** A notice that is not logged (bad input, store failure); the `reply` hook still hears of it. */
function unlogged(ctx: EngineContext, ref: { conversationId: string; channel: string; userId: string }, text: string, emit: EmitPiece): EngineResult {
  ctx.hooks.emit('reply', { ...ref, kind: 'notice', text });
  emit(text);
  return { conversationId: ref.conversationId, kind: 'notice', text };
}
