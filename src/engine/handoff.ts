/**
 * Hand-off to a human: none → requested → accepted → closed. While a request
 * is open or an agent holds the conversation the bot stays silent; a request
 * nobody accepts in time closes with a polite notice and the bot answers again.
 */
import { ColloquyError } from '../errors.ts';
import type { HandoffInfo } from '../storage/types.ts';
import { commit, draftFor, holdingConversation, refOf, type EngineContext } from './context.ts';
import { Draft } from './draft.ts';
import { reportFailure } from './failures.ts';
import { normalizeInput } from './input.ts';
import { say } from './options.ts';
import type { AgentDesk, HandoffEvent } from './types.ts';

/** True when the bot answers (no hand-off, or a finished one). */
export function botAnswers(h: HandoffInfo): boolean {
  return h.state === 'none' || h.state === 'closed';
}

/** True when a request has waited `timeoutMinutes` without an agent. */
export function isHandoffDue(h: HandoffInfo, now: Date, timeoutMinutes: number): boolean {
  return h.state === 'requested' && !!h.requestedAt && now.getTime() - Date.parse(h.requestedAt) >= timeoutMinutes * 60_000;
}

function changeHandoff(draft: Draft, handoff: HandoffInfo, by?: HandoffEvent['by']): void {
  draft.setHandoff(handoff);
  const state = handoff.state as HandoffEvent['state'];
  draft.emit('handoff', { ...refOf(draft.record), state, handoff: { ...handoff }, ...(by ? { by } : {}) });
}

/** Opens a request on the draft (the caller tells the user). */
export function requestHandoff(draft: Draft, reason: NonNullable<HandoffInfo['reason']>, at: string): void {
  changeHandoff(draft, { state: 'requested', requestedAt: at, reason });
  draft.setFallbacks(0);
}

/** Ends an open request or an accepted hand-off on the draft. */
export function closeHandoff(draft: Draft, by: NonNullable<HandoffEvent['by']>, at: string): void {
  changeHandoff(draft, { ...draft.record.handoff, state: 'closed', closedAt: at }, by);
}

/** Logs a notice turn and emits it for the adapter to deliver. */
function pushNotice(draft: Draft, text: string, reason: 'handoff-requested' | 'handoff-accepted' | 'handoff-closed' | 'handoff-timeout'): void {
  const turn = draft.addTurn({ speaker: 'notice', text });
  draft.emit('notice', { ...refOf(draft.record), text, turnId: turn.id, reason });
}

/** Closes a request that waited too long, telling the user. Returns whether it did. */
export function timeOutIfDue(ctx: EngineContext, draft: Draft, now: Date): boolean {
  if (!isHandoffDue(draft.record.handoff, now, ctx.options.handoffTimeoutMinutes)) return false;
  closeHandoff(draft, 'timeout', now.toISOString());
  pushNotice(draft, say(ctx.options, 'handoffTimeout'), 'handoff-timeout');
  return true;
}

/** The agents' side, the engine-initiated request and the timeout sweep. */
export function createHandoffDesk(ctx: EngineContext): Omit<AgentDesk, 'join'> & {
  request(conversationId: string, reason?: HandoffInfo['reason']): Promise<HandoffInfo>;
  tick(): Promise<void>;
} {
  const { queue, options } = ctx;
  const now = () => ctx.clock.now();
  return {
    accept: (conversationId, agentId) =>
      queue.run(conversationId, async () => {
        if (typeof agentId !== 'string' || !agentId) throw new ColloquyError('agent_id_missing', 'agent.accept needs the agent id');
        const at = now().toISOString();
        const draft = await draftFor(ctx, conversationId, at);
        const h = draft.record.handoff;
        if (h.state === 'accepted') {
          if (h.agentId === agentId) return h;
          throw new ColloquyError('handoff_taken', `Conversation "${conversationId}" is already with agent "${h.agentId}"`);
        }
        const base = h.state === 'requested' ? h : { requestedAt: at, reason: 'api' as const };
        changeHandoff(draft, { ...base, state: 'accepted', acceptedAt: at, agentId });
        pushNotice(draft, say(options, 'handoffAccepted', { agentId }), 'handoff-accepted');
        await commit(ctx, draft);
        return draft.record.handoff;
      }),

    send: (conversationId, agentId, text) =>
      queue.run(conversationId, async () => {
        const draft = await draftFor(ctx, conversationId, now().toISOString());
        const h = draft.record.handoff;
        if (h.state !== 'accepted') throw new ColloquyError('handoff_not_accepted', `No agent holds conversation "${conversationId}" (hand-off is ${h.state}); accept it first`);
        if (h.agentId !== agentId) throw new ColloquyError('handoff_not_owner', `Conversation "${conversationId}" is with agent "${h.agentId}", not "${agentId}"`);
        const input = normalizeInput(text, options.maxMessageChars);
        if (!input.ok) throw new ColloquyError('agent_message_invalid', input.problem === 'empty' ? 'The agent message is empty' : `The agent message is over ${options.maxMessageChars} characters`);
        const turn = draft.addTurn({ speaker: 'agent', text: input.text, agentId });
        draft.emit('agent-message', { ...refOf(draft.record), agentId, text: input.text, turnId: turn.id });
        await commit(ctx, draft);
        return { turnId: turn.id };
      }),

    close: (conversationId) =>
      queue.run(conversationId, async () => {
        const at = now().toISOString();
        const draft = await draftFor(ctx, conversationId, at);
        if (botAnswers(draft.record.handoff)) return draft.record.handoff;
        closeHandoff(draft, 'agent', at);
        pushNotice(draft, say(options, 'handoffClosed'), 'handoff-closed');
        await commit(ctx, draft);
        return draft.record.handoff;
      }),

    request: (conversationId, reason = 'api') =>
      queue.run(conversationId, async () => {
        const at = now().toISOString();
        const draft = await draftFor(ctx, conversationId, at);
        if (!botAnswers(draft.record.handoff)) return draft.record.handoff;
        requestHandoff(draft, reason, at);
        pushNotice(draft, say(options, 'handoffRequested'), 'handoff-requested');
        await commit(ctx, draft);
        return draft.record.handoff;
      }),

    async tick() {
      const t = now();
      const due = [...ctx.pending].filter(([, requestedAt]) => t.getTime() - requestedAt >= options.handoffTimeoutMinutes * 60_000);
      await Promise.all(
        due.map(([id]) =>
          queue
            .run(id, () => holdingConversation(ctx, id, async () => {
              // under the conversation's lock: of several instances, one times it out, once
              const record = await ctx.store.get(id);
              if (!record || record.handoff.state !== 'requested') return void ctx.pending.delete(id);
              const draft = new Draft(record, t.toISOString());
              if (timeOutIfDue(ctx, draft, t)) await commit(ctx, draft);
            }))
            .catch((err) => reportFailure(ctx, 'store', err, { conversationId: id })),
        ),
      );
    },
  };
}

