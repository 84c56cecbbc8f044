/**
 * Leader election on a PostgreSQL advisory lock: one leader per role at a
 * time, and when the leader stops or is killed (-9), another takes over
 * within seconds.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startLeaderElection, type LeaderElection } from '../../src/cluster/leader.ts';
import { testDatabaseUrl, uniqueSchema, withoutDatabase } from '../helpers/services.ts';
import { PROJECT_ROOT } from '../helpers/tiny.ts';

async function eventually(check: () => boolean, what: string, ms = 5_000): Promise<number> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - start;
}

describe.skipIf(withoutDatabase)('leader election', () => {
  const schema = uniqueSchema('leader'); // only names the locks: no tables needed
  const database = { url: testDatabaseUrl, schema };
  const elections: LeaderElection[] = [];
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const e of elections) await e.stop();
    for (const c of children) c.kill('SIGKILL');
  });

  const candidate = (role: string, log: string[], name: string) => {
    const e = startLeaderElection({ database, role, retryMs: 100, onElected: () => void log.push(`${name} up`), onDemoted: () => void log.push(`${name} down`) });
    elections.push(e);
    return e;
  };

  it('elects exactly one of three; when it stops, another takes over, still one at a time', async () => {
    const log: string[] = [];
    const all = [candidate('retrain', log, 'a'), candidate('retrain', log, 'b'), candidate('retrain', log, 'c')];
    await eventually(() => all.some((e) => e.isLeader), 'a leader');
    await new Promise((r) => setTimeout(r, 400)); // several retry rounds: nobody else gets in
    expect(all.filter((e) => e.isLeader)).toHaveLength(1);
    const first = all.find((e) => e.isLeader)!;
    await first.stop();
    const took = await eventually(() => all.some((e) => e !== first && e.isLeader), 'a new leader');
    expect(took).toBeLessThan(2_000);
    expect(all.filter((e) => e.isLeader)).toHaveLength(1);
    // the log never shows two leaders up at once
    let up = 0;
    for (const line of log) {
      up += line.endsWith('up') ? 1 : -1;
      expect(up).toBeLessThanOrEqual(1);
    }
  });

  it('roles are independent: another role has its own leader', async () => {
    const log: string[] = [];
    const gateway = candidate('discord', log, 'g');
    await eventually(() => gateway.isLeader, 'the discord leader');
  });

  it('takes over within seconds from a leader killed with -9', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join('tests', 'cluster', 'leader-child.ts'), testDatabaseUrl, schema, 'gateway'], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    await eventually(() => out.includes('leader gateway'), 'the child to lead', 20_000);
    const log: string[] = [];
    const standby = candidate('gateway', log, 's');
    await new Promise((r) => setTimeout(r, 400));
    expect(standby.isLeader).toBe(false);
    child.kill('SIGKILL');
    const took = await eventually(() => standby.isLeader, 'the standby to take over');
    expect(took).toBeLessThan(3_000);
  });
});
