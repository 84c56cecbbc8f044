/**
 * `colloquy serve` processes for the multi-instance tests: real child
 * processes on loopback ports sharing one PostgreSQL schema and one Redis
 * prefix, started, killed with -9 and restarted like a deployment would.
 */
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import { startColloquy } from '../helpers/cli.ts';

export interface Instance {
  id: string;
  port: number;
  url: string;
  child?: ChildProcess;
  /** Everything the process wrote to stderr (for a failure's message). */
  log: string;
}

/** A free loopback port. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** Waits until `GET /health` answers 200 (the model answered its probe); rejects with the process's log after `ms`. */
export async function waitHealthy(instance: Instance, ms = 90_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (instance.child?.exitCode !== null && instance.child?.exitCode !== undefined) throw new Error(`${instance.id} exited (${instance.child.exitCode}):\n${instance.log}`);
    const ok = await fetch(`${instance.url}/health`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${instance.id} not healthy within ${ms} ms:\n${instance.log}`);
}

/** Starts (or restarts, on the same port) `colloquy serve` for `instance`. */
export function startInstance(instance: Instance, args: string[], env: Record<string, string | undefined>): void {
  const child = startColloquy(['serve', '--port', String(instance.port), ...args], { COLLOQUY_INSTANCE_ID: instance.id, COLLOQUY_LOG_LEVEL: 'info', ...env });
  child.stdout!.resume();
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (instance.log += d));
  instance.child = child;
}

/** `kill -9`: no clean-up of any kind, as a crash or an OOM kill. */
export async function killHard(instance: Instance): Promise<void> {
  const child = instance.child;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

/** SIGTERM and wait (a clean stop). */
export async function stopInstance(instance: Instance): Promise<void> {
  const child = instance.child;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (child.exitCode === null && child.signalCode === null) await killHard(instance);
}

export interface Ack {
  status: number;
  /** The `done` event's payload, when the reply finished. */
  done?: { kind: string; text: string; turnId: string | null; userTurnId: string | null; duplicate?: boolean };
}

/** Sends one widget message and reads the streamed answer to its end; a dropped connection is `status: 0`. */
export async function sendMessage(url: string, c: { conversationId: string; token: string }, text: string, clientMessageId: string): Promise<Ack> {
  try {
    const res = await fetch(`${url}/api/conversations/${c.conversationId}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${c.token}` },
      body: JSON.stringify({ text, clientMessageId }),
      signal: AbortSignal.timeout(30_000),
    });
    const body = await res.text();
    const done = /event: done\ndata: (.*)\n/.exec(body);
    return { status: res.status, ...(done ? { done: JSON.parse(done[1]!) } : {}) };
  } catch {
    return { status: 0 };
  }
}
