/**
 * The shared hand-off desk over a recording platform: what it announces (the
 * last turns from the engine's log), where agent messages and notices go, how
 * an agent's reply, a refusal and `/bot` are handled — for one channel only.
 */
import { describe, expect, it } from 'vitest';
import { createHandoffDesk, type AgentsPlatform, type DeskNote, type HandoffAnnouncement } from '../../src/channels/handoff-desk.ts';
import { waitFor } from '../conformance/conformance-bot.ts';
import { createFakeLogger, createHarness } from '../engine/helpers/harness.ts';

function recordingPlatform() {
  const announced: HandoffAnnouncement[] = [];
  const notes: Array<[string, DeskNote]> = [];
  const delivered: string[] = [];
  const platform: AgentsPlatform = {
    async announce(a) {
      announced.push(structuredClone(a));
      return `thread-${announced.length}`;
    },
    async note(thread, note) {
      notes.push([thread, note]);
    },
    async deliver(m) {
      delivered.push(`${m.conversationId} ${m.kind}: ${m.text}`);
    },
  };
  return { platform, announced, notes, delivered };
}

function setup() {
  const h = createHarness({ agents: false });
  const p = recordingPlatform();
  const work: Array<Promise<unknown>> = [];
  const desk = createHandoffDesk({ engine: h.engine, channel: 'chat', platform: p.platform, staffed: true, logger: createFakeLogger(), track: (w) => void work.push(w), announcedTurns: 3 });
  const idle = () => Promise.all(work);
  return { h, p, desk, idle, chat: { channel: 'chat', conversationId: 'k1' } };
}

describe('shared hand-off desk', () => {
  it('announces a request with the last turns from the log (no notices), and carries an agent reply to the user', async () => {
    const { h, p, desk, idle, chat } = setup();
    for (const text of ['one', 'two']) await h.send(text, chat);

    await h.send('/agent', chat);
    await waitFor('the announcement', () => p.announced.length);
    await h.send('anyone?', chat);
    await desk.agentWrote({ thread: 'thread-1', agentId: 'dana', text: 'Dana here' });
    await idle();

    expect(p.announced[0]).toMatchObject({ conversationId: 'k1', userId: 'u1', reason: 'command', state: 'requested' });
    expect(p.announced[0]!.turns).toEqual([{ who: 'user', text: 'two' }, { who: 'bot', text: 'You said: two' }, { who: 'user', text: '/agent' }]);
    expect(p.notes).toEqual([['thread-1', { kind: 'user-message', userId: 'u1', text: 'anyone?' }]]);
    expect(p.delivered).toEqual([`k1 notice: ${h.engine.options.messages.handoffAccepted}`, 'k1 agent-message: Dana here']);
    expect(desk.isHeld('k1')).toBe(true);
  });

  it('tells a second agent the conversation is taken, and gives it back on /bot with a closing note', async () => {
    const { h, p, desk, idle, chat } = setup();
    await h.send('/agent', chat);
    await waitFor('the announcement', () => p.announced.length);
    await desk.agentWrote({ thread: 'thread-1', agentId: 'dana', text: 'Dana here' });

    await desk.agentWrote({ thread: 'thread-1', agentId: 'ben', text: 'me too' });
    await desk.agentWrote({ thread: 'thread-1', agentId: 'dana', text: '  /BOT' });
    await idle();
    await desk.agentWrote({ thread: 'thread-1', agentId: 'dana', text: 'one more thing' });

    expect(p.notes.map(([, n]) => n.kind)).toEqual(['refused', 'closed', 'over']);
    expect((await h.record('k1')).handoff.state).toBe('closed');
    expect((await h.record('k1')).turns.filter((t) => t.speaker === 'agent').map((t) => t.text)).toEqual(['Dana here']);
    expect(desk.isHeld('k1')).toBe(false);
  });

  it('serves its own channel only, and once stopped no longer lets users ask for a person there', async () => {
    const { h, p, desk, idle } = setup();
    await h.send('/agent', { channel: 'web', conversationId: 'w1' });
    await h.engine.agent.accept('w1', 'ann');
    await idle();
    expect(p.announced).toEqual([]);
    expect(p.delivered).toEqual([]);

    desk.stop();
    const asked = await h.send('/agent', { channel: 'chat', conversationId: 'k2' });
    expect(asked.text).toContain(h.engine.options.contactText);
  });
});
