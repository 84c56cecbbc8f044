/**
 * The adapter conformance kit: one set of scenarios every channel adapter
 * must pass — reply, history across turns, `/reset`, the hand-off round trip,
 * feedback, oversized and empty input, two users at once. Each scenario runs
 * the real engine over the real lowdb store (a temp directory) with a
 * generator whose reply says what the model saw
 * (`you said <text>; turns seen: N; earlier: ...`, see conformance-bot.ts), and
 * talks to it only through the channel, as its users would.
 *
 * Running it on your adapter:
 *  1. Write a driver implementing `ConformanceDriver` (./driver.ts): `start`
 *     starts your adapter over the engine (and your platform's stand-in on
 *     127.0.0.1), `say` sends as a user and resolves with what that user sees,
 *     `nextPushed` returns what reaches the user outside an answer (agent
 *     messages, notices), `feedback` rates the last reply the user saw.
 *     ./terminal-driver.ts and ./web-driver.ts are short examples.
 *  2. Add a test file that calls the kit with a factory for your driver:
 *
 *       // tests/matrix/matrix.conformance.test.ts
 *       import { runConformanceKit } from '../conformance/kit.ts';
 *       import { createMatrixDriver } from './matrix-driver.ts';
 *       runConformanceKit('matrix', () => createMatrixDriver());
 *
 *     The factory gets `{ store }`, the scenario's conversation log,
 *     for adapters that need the store (the web server reads history from it).
 *  3. `npx vitest run tests/matrix/matrix.conformance.test.ts` — one test per
 *     scenario, each with a fresh engine, log and driver.
 *
 * A channel that cannot do something at all (the terminal has no way to rate
 * a reply) lists it in `unsupported` with the reason: it shows as skipped.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { say as engineText } from '../../src/engine/options.ts';
import type { ConversationStore } from '../../src/storage/types.ts';
import { createConformanceBot, waitFor, type ConformanceBot } from './conformance-bot.ts';
import type { ConformanceDriver } from './driver.ts';
import { withoutDatabase } from '../helpers/services.ts';
import type { StoreKind } from '../helpers/stores.ts';

/** What a driver factory may use: the scenario's conversation log. */
export interface DriverSetup {
  store: ConversationStore;
}

export type DriverFactory = (setup: DriverSetup) => ConformanceDriver | Promise<ConformanceDriver>;

export type ScenarioName = 'reply' | 'history' | 'reset' | 'handoff' | 'feedback' | 'oversized' | 'empty' | 'concurrent';

export interface ConformanceKitOptions {
  /**
   * `reply` (default): an empty message gets a polite answer. `ignored`: the
   * channel never hands a blank message to the bot (the terminal just shows a
   * new prompt); the scenario then checks that nothing is logged or said and
   * that the chat goes on.
   */
  emptyInput?: 'reply' | 'ignored';
  /** Scenarios the channel cannot run, each with the reason (reported as skipped). */
  unsupported?: Partial<Record<ScenarioName, string>>;
  /** The store the bot logs to (default lowdb); `postgres` is skipped when the test database is absent (outside CI). */
  store?: StoreKind;
}

/** How long a silence must last before the kit believes the bot is silent on purpose. */
const SILENCE_MS = 1000;
/** How long a pushed message may take on a loaded machine. */
const PUSH_TIMEOUT_MS = 15_000;
const AGENT_ID = 'agent-kit';

/**
 * Defines a vitest `describe` with one test per scenario, run against the
 * drivers `createDriver` makes (one per scenario).
 *
 * @example
 * runConformanceKit('web', ({ store }) => createWebDriver({ store }));
 */
export function runConformanceKit(name: string, createDriver: DriverFactory, options: ConformanceKitOptions = {}): void {
  const { emptyInput = 'reply', unsupported = {}, store = 'lowdb' } = options;

  describe.skipIf(store === 'postgres' && withoutDatabase)(`${name} adapter conformance${store === 'lowdb' ? '' : ` (${store} store)`}`, () => {
    let bot: ConformanceBot;
    let driver: ConformanceDriver | undefined;

    beforeEach(async () => {
      bot = await createConformanceBot(store);
      driver = await createDriver({ store: bot.store });
      await driver.start(bot.engine);
    });

    afterEach(async () => {
      try {
        await driver?.stop();
      } finally {
        driver = undefined;
        await bot?.close();
      }
    });

    const scenario = (id: ScenarioName, title: string, run: (d: ConformanceDriver) => Promise<void>) => {
      const reason = unsupported[id];
      if (reason) it.skip(`${title} (unsupported: ${reason})`, () => undefined);
      else it(title, () => run(driver!));
    };
    const messages = () => bot.engine.options.messages;

    scenario('reply', 'answers a message with the reply it logs', async (d) => {
      const reply = await d.say('ana', 'hello there');

      expect(reply).toBe('you said hello there; turns seen: 1; earlier: none');
      const id = d.conversationId('ana');
      const record = await bot.record(id);
      expect(record.turns.map((t) => [t.speaker, t.text])).toEqual([
        ['user', 'hello there'],
        ['bot', reply],
      ]);
      expect(await bot.isStored(id)).toBe(true);
    });

    scenario('history', 'shows the model the earlier turns of the same conversation, not other users’', async (d) => {
      await d.say('ana', 'my order number is 4711');
      await d.say('ben', 'ben was here');

      const reply = await d.say('ana', 'where is it');

      expect(reply).toBe('you said where is it; turns seen: 3; earlier: my order number is 4711');
      expect(await d.say('ben', 'and me')).toBe('you said and me; turns seen: 3; earlier: ben was here');
    });

    scenario('reset', '/reset cuts the history the model sees; the log keeps it', async (d) => {
      await d.say('ana', 'remember the apples');

      const reset = await d.say('ana', bot.engine.options.commands.reset);
      const after = await d.say('ana', 'what did I say');

      expect(reset).toContain(messages().reset);
      expect(after).toBe('you said what did I say; turns seen: 1; earlier: none');
      const texts = (await bot.record(d.conversationId('ana'))).turns.map((t) => t.text);
      expect(texts).toContain('remember the apples');
    });

    scenario('handoff', 'hands the conversation to an agent and back: agent messages reach the user, the bot stays silent meanwhile', async (d) => {
      // a channel with its own agents' side has joined the engine's desk; otherwise the kit is the agents' side
      if (!d.agentSays) bot.engine.agent.join();
      expect(await d.say('ana', 'hello')).toBe('you said hello; turns seen: 1; earlier: none');
      const id = d.conversationId('ana');

      // Act 1: the user asks for a person, an agent answers through the channel's agents' side (or the engine's desk)
      const asked = await d.say('ana', bot.engine.options.commands.agent);
      const agentText = 'Hi, this is Dana from support';
      if (d.agentSays) await d.agentSays('ana', agentText);
      else {
        await bot.engine.agent.accept(id, AGENT_ID);
        await bot.engine.agent.send(id, AGENT_ID, agentText);
      }

      // Assert: the request is acknowledged, the agent's message is pushed to the user
      expect(asked).toContain(messages().handoffRequested);
      await pushedUntil(d, 'ana', (text) => text.includes(agentText), 'the agent message');

      // Act 2: the user writes while the agent holds the conversation
      const silent = await d.say('ana', 'are you there', { silenceMs: SILENCE_MS });

      // Assert: the bot said nothing; the message and the agent's turn are logged
      expect(silent).toBe('');
      const during = await bot.record(id);
      expect(during.handoff.state).toBe('accepted');
      expect(during.turns.filter((t) => t.speaker === 'agent').map((t) => t.text)).toEqual([agentText]);
      expect(during.turns.at(-1)).toMatchObject({ speaker: 'user', text: 'are you there' });

      // Act 3: the agent gives the conversation back
      if (d.handBack) await d.handBack('ana');
      else await bot.engine.agent.close(id);
      await pushedUntil(d, 'ana', (text) => text.includes(messages().handoffClosed), 'the notice that the bot is back');
      const back = await d.say('ana', 'thanks');

      // Assert: the bot answers again, having seen the agent's turn and the message it stayed silent on
      expect(back).toBe('you said thanks; turns seen: 5; earlier: hello, are you there');
      expect((await bot.record(id)).handoff.state).toBe('closed');
    });

    scenario('feedback', 'stores feedback on the bot turn the user rated', async (d) => {
      const first = await d.say('ana', 'first question');
      const second = await d.say('ana', 'rate this answer');

      await d.feedback('ana', 'down');

      const id = d.conversationId('ana');
      const rated = await waitFor('the feedback in the log', async () => (await bot.record(id)).turns.find((t) => t.feedback));
      expect(rated).toMatchObject({ speaker: 'bot', text: second, feedback: { value: 'down' } });
      const firstTurn = (await bot.record(id)).turns.find((t) => t.speaker === 'bot' && t.text === first);
      expect(firstTurn?.feedback).toBeUndefined();
    });

    scenario('oversized', 'answers oversized input politely, logs none of it and goes on', async (d) => {
      const max = bot.engine.options.maxMessageChars;
      await d.say('ana', 'before the long one');

      const justOver = await d.say('ana', 'a'.repeat(max + 1));
      const huge = await d.say('ana', 'this is a very long message '.repeat(800).slice(0, 20_000));
      const next = await d.say('ana', 'after the long one');

      expect(justOver).toContain(engineText(bot.engine.options, 'tooLong'));
      expectPolite(huge, 'the answer to a 20,000-character message');
      expect(next).toBe('you said after the long one; turns seen: 3; earlier: before the long one');
      const turns = (await bot.record(d.conversationId('ana'))).turns;
      expect(turns.every((t) => t.text.length <= max)).toBe(true);
    });

    scenario('empty', emptyInput === 'reply' ? 'answers empty input politely and goes on' : 'ignores a blank message and goes on', async (d) => {
      await d.say('ana', 'before the empty one');

      const empty = await d.say('ana', '', { silenceMs: SILENCE_MS });
      const next = await d.say('ana', 'after the empty one');

      if (emptyInput === 'reply') expectPolite(empty, 'the answer to an empty message');
      else expect(empty).toBe('');
      expect(next).toBe('you said after the empty one; turns seen: 3; earlier: before the empty one');
      const userTexts = (await bot.record(d.conversationId('ana'))).turns.filter((t) => t.speaker === 'user').map((t) => t.text);
      expect(userTexts).toEqual(['before the empty one', 'after the empty one']);
    });

    scenario('concurrent', 'keeps two users talking at once apart', async (d) => {
      const [ana1, ben1] = await Promise.all([d.say('ana', 'ana likes tea'), d.say('ben', 'ben likes coffee')]);
      const [ana2, ben2] = await Promise.all([d.say('ana', 'what do I like'), d.say('ben', 'what do I like')]);

      expect(ana1).toBe('you said ana likes tea; turns seen: 1; earlier: none');
      expect(ben1).toBe('you said ben likes coffee; turns seen: 1; earlier: none');
      expect(ana2).toBe('you said what do I like; turns seen: 3; earlier: ana likes tea');
      expect(ben2).toBe('you said what do I like; turns seen: 3; earlier: ben likes coffee');
      expect(d.conversationId('ana')).not.toBe(d.conversationId('ben'));
      const said = async (user: string) => (await bot.record(d.conversationId(user))).turns.filter((t) => t.speaker === 'user').map((t) => t.text);
      expect(await said('ana')).toEqual(['ana likes tea', 'what do I like']);
      expect(await said('ben')).toEqual(['ben likes coffee', 'what do I like']);
    });
  });
}

/** A short, human answer: not empty, not an echo of a huge input, no error dump. */
function expectPolite(text: string, what: string): void {
  expect(text.trim(), `${what} is empty`).not.toBe('');
  expect(text.length, `${what} is ${text.length} characters long`).toBeLessThan(1000);
  expect(text, `${what} looks like an error dump`).not.toMatch(/\bat \S+:\d+:\d+|\b[A-Z]\w*Error\b|undefined|\[object Object\]|\bNaN\b/);
}

/** Reads what is pushed to `user` until a message matches; fails naming what never came and what did. */
async function pushedUntil(d: ConformanceDriver, user: string, match: (text: string) => boolean, what: string, max = 6): Promise<string[]> {
  const seen: string[] = [];
  while (seen.length < max) {
    let text: string;
    try {
      text = await d.nextPushed(user, PUSH_TIMEOUT_MS);
    } catch (err) {
      throw new Error(`${what} never reached ${user}; pushed before: ${JSON.stringify(seen)} (${(err as Error).message})`);
    }
    seen.push(text);
    if (match(text)) return seen;
  }
  throw new Error(`${what} never reached ${user} among ${max} pushed messages: ${JSON.stringify(seen)}`);
}
