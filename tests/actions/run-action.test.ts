/**
 * The action runner against a real local HTTP server: a good answer, a slow
 * one, one that never comes, a 500, bad JSON, a huge body, a handler that
 * throws — each becomes the logged call the model will read, never a thrown error.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runAction, webhookHandler, type ActionDefinition } from '../../src/actions/index.ts';
import { silentLogger } from '../../src/logger.ts';
import { json, startWebhook, type StandIn } from './helpers.ts';

const servers: StandIn[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function webhookAction(answer: Parameters<typeof startWebhook>[0], extra: Partial<ActionDefinition> = {}, token?: string): Promise<{ action: ActionDefinition; server: StandIn }> {
  const server = await startWebhook(answer);
  servers.push(server);
  return { server, action: { name: 'order_status', trigger: {}, handler: webhookHandler({ url: server.url, token, maxBytes: 10_000 }), ...extra } };
}

const run = (action: ActionDefinition) =>
  runAction({ action, parameters: { order: '48213' }, conversationId: 'c1', recentTurns: [{ speaker: 'user', text: 'where is order 48213?' }], logger: silentLogger });

describe('runAction with a webhook', () => {
  it('posts the conversation id, parameters and recent turns with the bearer token, and returns the records', async () => {
    const { action, server } = await webhookAction((_, res) => json(res, 200, { results: [{ order: '48213', status: 'shipped' }] }), {}, 'secret-token');

    const call = await run(action);

    expect(call).toEqual({ name: 'order_status', parameters: { order: '48213' }, results: [{ order: '48213', status: 'shipped' }] });
    expect(server.received[0].body).toEqual({ conversationId: 'c1', parameters: { order: '48213' }, recentTurns: [{ speaker: 'user', text: 'where is order 48213?' }] });
    expect(server.received[0].authorization).toBe('Bearer secret-token');
  });

  it('turns a webhook slower than the timeout into an error, on time', async () => {
    const { action } = await webhookAction((_, res) => setTimeout(() => json(res, 200, { results: [] }), 1500), { timeoutMs: 200 });

    const started = Date.now();
    const call = await run(action);

    expect(call.error).toMatch(/timed out after 200 ms/);
    expect(call.results).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('gives up on a webhook that never answers', async () => {
    const { action } = await webhookAction(() => undefined, { timeoutMs: 150 });

    const call = await run(action);

    expect(call.error).toMatch(/timed out/);
  });

  it('reports a non-2xx status', async () => {
    const { action } = await webhookAction((_, res) => json(res, 500, { error: 'db down' }));

    expect((await run(action)).error).toBe('the webhook answered HTTP 500');
  });

  it('reports an answer that is not JSON, or JSON without results', async () => {
    const bad = await webhookAction((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"results": [');
    });
    const wrong = await webhookAction((_, res) => json(res, 200, { orders: [] }));

    expect((await run(bad.action)).error).toBe('the webhook did not answer JSON');
    expect((await run(wrong.action)).error).toBe('the webhook answer has no "results" list');
  });

  it('refuses a body larger than the limit, declared or streamed', async () => {
    const big = { results: [{ note: 'x'.repeat(50_000) }] };
    const declared = await webhookAction((_, res) => json(res, 200, big));
    const chunked = await webhookAction((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }); // no content-length: chunked
      for (let i = 0; i < 20; i++) res.write(' '.repeat(1000));
      res.end(JSON.stringify(big));
    });

    expect((await run(declared.action)).error).toMatch(/larger than 10000 bytes/);
    expect((await run(chunked.action)).error).toMatch(/larger than 10000 bytes/);
  });

  it('reports a handler that throws or returns something other than records', async () => {
    const throws: ActionDefinition = { name: 'a', trigger: {}, handler: async () => { throw new Error('no connection to the ERP'); } };
    const notRecords: ActionDefinition = { name: 'b', trigger: {}, handler: async () => 'shipped' as never };

    expect((await run(throws)).error).toBe('no connection to the ERP');
    expect((await run(notRecords)).error).toBe('the handler did not return a list of records');
  });
});
