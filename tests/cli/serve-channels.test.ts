/**
 * `colloquy serve` starts every chat channel configured in the environment
 * next to the web widget — run end to end as a child process with the bundled
 * model: Slack's bot token is refused by a local stand-in of Slack's Web API,
 * Discord connects to the Discord stand-in (tests/discord/stand-in.ts), and
 * the web widget and Discord keep answering while Slack is reported.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_DIR, PROJECT_ROOT } from '../../src/config.ts';
import { startDiscordStandIn, type DiscordStandIn } from '../discord/stand-in.ts';

const BIN = path.join(PROJECT_ROOT, 'bin', 'colloquy.js');
const STACK_TRACE = /^\s+at .+(:\d+:\d+\)?|\(native\))$/m;
/** The channels' variables are set per test, never inherited from the shell running the tests. */
const CHANNEL_VARIABLE = /^(SLACK|DISCORD)_/;

interface Serve {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** Resolves once stdout or stderr matches. */
  waitFor(stream: 'stdout' | 'stderr', pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
}

function serve(args: string[], env: NodeJS.ProcessEnv): Serve {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !CHANNEL_VARIABLE.test(k)));
  const child = spawn(process.execPath, [BIN, 'serve', ...args], {
    cwd: PROJECT_ROOT,
    env: { ...inherited, COLLOQUY_BACKEND: 'wasm', COLLOQUY_LOG_LEVEL: 'info', COLLOQUY_MODEL: DEFAULT_MODEL_DIR, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  const listeners: Array<() => void> = [];
  for (const stream of ['stdout', 'stderr'] as const) {
    child[stream]!.setEncoding('utf8').on('data', (d: string) => {
      out[stream] += d;
      for (const l of listeners.splice(0)) l();
    });
  }
  let closed = false;
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      closed = true;
      resolve(code);
      for (const l of listeners.splice(0)) l();
    }),
  );
  return {
    child,
    stdout: () => out.stdout,
    stderr: () => out.stderr,
    exited,
    waitFor(stream, pattern, timeoutMs = 90_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${pattern} on ${stream} within ${timeoutMs} ms; stdout: ${out.stdout}\nstderr: ${out.stderr}`)), timeoutMs);
        const check = () => {
          const m = out[stream].match(pattern);
          if (m) {
            clearTimeout(timer);
            resolve(m);
          } else if (closed) {
            clearTimeout(timer);
            reject(new Error(`serve exited (${child.exitCode ?? child.signalCode}) before ${pattern}; stdout: ${out.stdout}\nstderr: ${out.stderr}`));
          } else listeners.push(check);
        };
        check();
      });
    },
  };
}

/** Slack's Web API as it answers a revoked or mistyped bot token: every call → `invalid_auth`. */
async function startRejectingSlack(): Promise<{ apiUrl: string; calls: string[]; close(): Promise<void> }> {
  const calls: string[] = [];
  const server: Server = createServer((req, res) => {
    calls.push(`${req.method} ${req.url}`);
    req.resume();
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ ok: false, error: 'invalid_auth' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { apiUrl: `http://127.0.0.1:${port}/api/`, calls, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('colloquy serve with chat channels', () => {
  let dataDir: string;
  let slack: Awaited<ReturnType<typeof startRejectingSlack>>;
  let discord: DiscordStandIn;

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'colloquy-serve-channels-'));
    slack = await startRejectingSlack();
    discord = await startDiscordStandIn();
  });

  afterAll(async () => {
    await slack?.close();
    await discord?.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('reports a Slack token Slack refuses, naming SLACK_BOT_TOKEN, while the web widget and Discord keep answering', async () => {
    // Arrange + Act: serve with a bad Slack token and a good Discord token
    const s = serve(['--port', '0', '--data-dir', dataDir], {
      SLACK_BOT_TOKEN: 'xoxb-revoked',
      SLACK_SIGNING_SECRET: 'signing-secret',
      SLACK_PORT: '0',
      SLACK_API_URL: slack.apiUrl,
      DISCORD_TOKEN: discord.token,
      DISCORD_API_URL: discord.apiUrl,
    });
    try {
      const [, url] = await s.waitFor('stdout', /Colloquy web chat: (http:\/\/\S+?)\/ /);
      await s.waitFor('stdout', /Channels running: .*\n/);

      // Assert: Slack was asked, refused, and reported by name; the others run
      expect(slack.calls.some((c) => c.includes('auth.test'))).toBe(true);
      expect(s.stdout()).toContain('Channels running: web, discord; not started: slack (see the error above)');
      expect(s.stderr()).toMatch(/\[error\] slack channel not started: .*SLACK_BOT_TOKEN/);
      expect(s.stderr()).not.toMatch(STACK_TRACE);
      const health = await fetch(`${url}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ ok: true, model: { ok: true }, store: { ok: true } });
      const ann = discord.user('ann');
      const dm = discord.dmChannel(ann);
      await discord.send({ channelId: dm, author: ann, content: 'Where is my order?' });
      const answer = await discord.waitFor(() => discord.botMessages(dm).at(-1)?.content.trim(), 60_000, 'a Discord answer');
      expect(answer.length).toBeGreaterThan(0);
    } finally {
      s.child.kill('SIGTERM');
    }

    // Assert: SIGTERM stops every channel and the process exits cleanly
    expect(await s.exited).toBe(0);
    expect(s.stderr()).not.toMatch(STACK_TRACE);
  });

  it('refuses to start when SLACK_BOT_TOKEN comes without SLACK_SIGNING_SECRET or SLACK_APP_TOKEN', async () => {
    const s = serve(['--port', '0', '--data-dir', dataDir], { SLACK_BOT_TOKEN: 'xoxb-1' });

    const code = await s.exited;

    expect(code).toBe(1);
    expect(s.stderr()).toContain('error: SLACK_BOT_TOKEN is set but neither SLACK_SIGNING_SECRET nor SLACK_APP_TOKEN is');
    expect(s.stderr()).toMatch(/^hint: Set SLACK_SIGNING_SECRET/m);
    expect(s.stderr()).not.toMatch(STACK_TRACE);
  });
});
