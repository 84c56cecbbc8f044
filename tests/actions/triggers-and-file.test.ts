import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadActionsFile, matchAction, type ActionDefinition } from '../../src/actions/index.ts';
import { rejectionOf } from '../helpers/errors.ts';

const noop = async () => [];
const actions: ActionDefinition[] = [
  { name: 'order_status', trigger: { pattern: /order\D{0,12}(?<order>\d{5})/i }, handler: noop },
  { name: 'stock', trigger: { intent: 'product_stock', minProbability: 0.7 }, handler: noop },
  { name: 'refund', trigger: { when: ({ text, turns }) => (/refund/i.test(text) && turns.length > 1 ? { step: 'status' } : undefined) }, handler: noop },
];
const input = (text: string, extra: object = {}) => ({ text, turns: [{ speaker: 'user' as const, text }], conversationId: 'c1', ...extra });

describe('matchAction', () => {
  it('takes a pattern\'s named groups as parameters', () => {
    expect(matchAction(actions, input('Where is my order #48213?'))).toMatchObject({ action: { name: 'order_status' }, parameters: { order: '48213' } });
  });

  it('runs an intent trigger only above its probability', () => {
    expect(matchAction(actions, input('do you have boots', { intent: { name: 'product_stock', probability: 0.9 } }))?.action.name).toBe('stock');
    expect(matchAction(actions, input('do you have boots', { intent: { name: 'product_stock', probability: 0.5 } }))).toBeUndefined();
  });

  it('asks a function trigger, which sees the conversation', () => {
    expect(matchAction(actions, input('my refund?'))).toBeUndefined();
    const longer = { text: 'my refund?', turns: [{ speaker: 'user' as const, text: 'hi' }, { speaker: 'user' as const, text: 'my refund?' }], conversationId: 'c1' };
    expect(matchAction(actions, longer)).toMatchObject({ action: { name: 'refund' }, parameters: { step: 'status' } });
  });
});

describe('loadActionsFile', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const d of dirs.splice(0)) await fs.rm(d, { recursive: true, force: true });
  });
  async function write(files: Record<string, unknown>): Promise<string> {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'colloquy-actions-'));
    dirs.push(dir);
    for (const [name, value] of Object.entries(files)) await fs.writeFile(path.join(dir, name), typeof value === 'string' ? value : JSON.stringify(value));
    return path.join(dir, 'actions.json');
  }

  it('builds a lookup action that answers from a JSON file next to it, and reads the allowlist', async () => {
    const file = await write({
      'actions.json': { allowlist: ['Harbor Outfitters'], actions: [{ name: 'order_status', pattern: 'order\\D{0,12}(?<order>\\d{5})', lookup: { file: 'orders.json', field: 'order' } }] },
      'orders.json': [{ order: '48213', status: 'shipped' }, { order: '77120', status: 'processing' }],
    });

    const { actions: loaded, allowlist } = await loadActionsFile(file);
    const match = matchAction(loaded, input('ORDER #77120 please'))!;
    const results = await match.action.handler(match.parameters, { conversationId: 'c1', recentTurns: [], signal: new AbortController().signal });

    expect(allowlist).toEqual(['Harbor Outfitters']);
    expect(results).toEqual([{ order: '77120', status: 'processing' }]);
    expect(await match.action.handler({ order: '99999' }, { conversationId: 'c1', recentTurns: [], signal: new AbortController().signal })).toEqual([]);
  });

  it('answers a lookup from a file without a list of records with a coded error naming the file', async () => {
    const file = await write({
      'actions.json': { actions: [{ name: 'order_status', pattern: 'order (?<order>\\d+)', lookup: { file: 'orders.json', field: 'order' } }] },
      'orders.json': { order: '48213' },
    });
    const { actions: loaded } = await loadActionsFile(file);

    const err = await rejectionOf(loaded[0].handler({ order: '48213' }, { conversationId: 'c1', recentTurns: [], signal: new AbortController().signal }));

    expect(err.code).toBe('colloquy_actions_invalid');
    expect(err.message).toContain('orders.json holds no list of records');
  });

  it('names the file and the action for each mistake', async () => {
    const cases: Array<[unknown, RegExp]> = [
      ['{not json', /cannot be read as JSON/],
      [{}, /needs an "actions" list/],
      [{ actions: [{ name: 'a', webhook: 'https://x.example' }] }, /actions\[0\] needs a "pattern" or an "intent"/],
      [{ actions: [{ name: 'a', pattern: '(', webhook: 'https://x.example' }] }, /bad pattern/],
      [{ actions: [{ name: 'a', pattern: 'x', webhook: 'ftp://x' }] }, /must be an http\(s\) URL/],
      [{ actions: [{ name: 'a', pattern: 'x' }] }, /needs a "webhook" URL or a "lookup"/],
      [{ actions: [{ name: 'a', pattern: 'x', webhook: 'https://x.example', retries: 3 }] }, /unknown keys retries/],
    ];
    for (const [content, message] of cases) {
      const file = await write({ 'actions.json': content });
      const err = await rejectionOf(loadActionsFile(file));
      expect(err.code).toBe('colloquy_actions_invalid');
      expect(err.message).toMatch(message);
    }
  });
});
