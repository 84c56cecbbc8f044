/**
 * The Discord gateway runs in one elected instance: two `colloquy serve`
 * processes on one database, both with DISCORD_TOKEN, hold one gateway
 * session between them; when the holder is killed with -9, the other
 * connects within seconds and answers.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteKeys, TEST_REDIS_URL, testPrefix } from '../helpers/redis.ts';
import { dropSchema, testDatabaseUrl, uniqueSchema, withoutDatabase, withoutRedis } from '../helpers/services.ts';
import { tempDir, trainTinyModel, QA } from '../helpers/tiny.ts';
import { startDiscordStandIn, type DiscordStandIn } from '../discord/stand-in.ts';
import { freePort, killHard, startInstance, stopInstance, waitHealthy, type Instance } from './instances.ts';

describe.skipIf(withoutDatabase || withoutRedis)('the Discord gateway in one elected instance', () => {
  const schema = uniqueSchema('discord_leader');
  const prefix = testPrefix('discord-leader');
  const instances: Instance[] = [];
  let scratch: string;
  let discord: DiscordStandIn;

  beforeAll(async () => {
    scratch = await tempDir('discord-leader');
    discord = await startDiscordStandIn();
    const model = path.join(scratch, 'model');
    await trainTinyModel(model, 'wasm', { training: { epochs: 20 } });
    for (const id of ['d1', 'd2']) {
      await fs.cp(model, path.join(scratch, id, 'models', 'default'), { recursive: true });
      const port = await freePort();
      const instance: Instance = { id, port, url: `http://127.0.0.1:${port}`, log: '' };
      instances.push(instance);
      startInstance(instance, ['--models-dir', path.join(scratch, id, 'models'), '--data-dir', path.join(scratch, id, 'data')], {
        COLLOQUY_DATABASE_URL: testDatabaseUrl, COLLOQUY_DATABASE_SCHEMA: schema, COLLOQUY_REDIS_URL: TEST_REDIS_URL, COLLOQUY_REDIS_PREFIX: prefix,
        COLLOQUY_BACKEND: 'wasm', COLLOQUY_MODEL: undefined, COLLOQUY_MODELS_DIR: undefined, SLACK_BOT_TOKEN: undefined,
        DISCORD_TOKEN: discord.token, DISCORD_API_URL: discord.apiUrl,
      });
    }
    await Promise.all(instances.map((i) => waitHealthy(i)));
  });
  afterAll(async () => {
    await Promise.all(instances.map(stopInstance));
    await discord?.close();
    await dropSchema(schema);
    await deleteKeys(prefix);
    if (scratch) await fs.rm(scratch, { recursive: true, force: true });
  });

  const leaderOf = async (i: Instance) => ((await fetch(`${i.url}/health`).then((r) => r.json(), () => ({}))) as { leaderOf?: string[] }).leaderOf ?? [];

  it('holds one gateway session between two instances, and moves it within seconds when its holder dies', async () => {
    await discord.waitFor(() => discord.openSockets() === 1, 30_000, 'one gateway session');
    await new Promise((r) => setTimeout(r, 1_500)); // several election rounds: the other instance stays off the gateway
    expect(discord.openSockets()).toBe(1);
    expect(discord.counts.identify).toBe(1);
    const holders = [];
    for (const i of instances) if ((await leaderOf(i)).includes('channel:discord')) holders.push(i);
    expect(holders).toHaveLength(1);
    const [holder] = holders;
    const other = instances.find((i) => i !== holder)!;

    await killHard(holder!);
    const killedAt = Date.now();
    await discord.waitFor(() => discord.counts.identify === 2 && discord.openSockets() === 1, 20_000, 'the other instance on the gateway');
    const tookOverMs = Date.now() - killedAt;
    expect(tookOverMs).toBeLessThan(10_000);
    process.stderr.write(`discord gateway taken over in ${tookOverMs} ms\n`);
    expect(await leaderOf(other)).toContain('channel:discord');

    const ann = discord.user('ann');
    const dm = discord.dmChannel(ann);
    await discord.send({ channelId: dm, author: ann, content: QA[0]!.q });
    const answer = await discord.waitFor(() => discord.botMessages(dm).at(-1)?.content.trim(), 30_000, 'an answer from the survivor');
    expect(answer.length).toBeGreaterThan(0);
  });
});
