/**
 * A fresh clone without Chromium still passes `npm test`: the browser suites are skipped with a
 * line saying how to enable them — and under CI=true the same missing browser is a failure.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/tiny.ts';
import { findChromium } from './browser.ts';

const none = () => false;
const only = (...paths: string[]) => (p: string) => paths.includes(p);
const playwright = () => '/home/u/.cache/ms-playwright/chromium/chrome';

describe('findChromium', () => {
  it('takes CHROME_PATH when it exists, and names it when it does not', () => {
    expect(findChromium({ CHROME_PATH: '/opt/chrome' }, only('/opt/chrome', '/usr/bin/chromium'), playwright)).toEqual({ path: '/opt/chrome' });
    expect(findChromium({ CHROME_PATH: '/opt/chrome' }, only('/usr/bin/chromium'), playwright).reason).toContain('CHROME_PATH=/opt/chrome');
  });

  it("prefers Debian's Chromium, then a Playwright-installed one", () => {
    expect(findChromium({}, only('/usr/bin/chromium', playwright()), playwright)).toEqual({ path: '/usr/bin/chromium' });
    expect(findChromium({}, only(playwright()), playwright)).toEqual({ path: playwright() });
    expect(findChromium({}, none, () => { throw new Error('no registry'); }).reason).toContain('/usr/bin/chromium');
  });
});

/** Runs one browser suite in its own vitest with no browser to be found. */
function runSuiteWithoutBrowser(ci: string | undefined) {
  const env: NodeJS.ProcessEnv = { ...process.env, CHROME_PATH: path.join(PROJECT_ROOT, 'no-such-chromium'), CI: ci };
  for (const key of Object.keys(env)) if (key.startsWith('VITEST') || env[key] === undefined) delete env[key];
  return spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'node_modules/vitest/vitest.mjs'), 'run', 'tests/web/admin.browser.test.ts'], { cwd: PROJECT_ROOT, env, encoding: 'utf8', timeout: 110_000 });
}

describe('a browser suite without a browser', () => {
  it('is skipped with one line on how to enable it, and the run passes', () => {
    const run = runSuiteWithoutBrowser(undefined);

    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stderr).toMatch(/skipped, CHROME_PATH=.*no-such-chromium does not exist; to run it, install one \(apt-get install chromium\) or set CHROME_PATH/);
    expect(run.stdout).toMatch(/skipped/);
  });

  it('fails under CI=true', () => {
    const run = runSuiteWithoutBrowser('true');

    expect(run.status).not.toBe(0);
    expect(run.stdout + run.stderr).toContain('cannot run, CHROME_PATH=');
  });
});
