/// <reference types="node" />
// `npm test` on a machine without Chromium must pass: the browser-only tests
// are skipped, and one line says so and how to run them. Checked by running
// vitest on the demo test with MYELIN_CHROMIUM pointing at a missing file.
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');

describe('without Chromium', () => {
  it('skips the browser-only tests with one line saying how to run them', async () => {
    // The child is a fresh vitest: none of this run's variables, and no
    // MYELIN_BROWSER (which insists on a browser, as CI does).
    const env = Object.fromEntries(
      Object.entries(process.env).filter(
        ([k]) => !k.startsWith('VITEST') && k !== 'MYELIN_BROWSER' && k !== 'NODE_OPTIONS',
      ),
    );
    env['MYELIN_CHROMIUM'] = '/nonexistent/chromium';
    const vitest = join(root, 'node_modules/vitest/vitest.mjs');
    const result = await run(
      process.execPath,
      [vitest, 'run', '--project', 'node', 'test/demo/demo.node.test.ts'],
      { cwd: root, env, encoding: 'utf8', timeout: 120_000 },
    ).then(
      (r) => ({ code: 0, out: r.stdout + r.stderr }),
      (e: unknown) => {
        const err = e as { code?: number; stdout?: string; stderr?: string };
        return { code: err.code ?? -1, out: (err.stdout ?? '') + (err.stderr ?? '') };
      },
    );
    expect(result.code, result.out).toBe(0);
    const lines = result.out.split('\n').filter((l) => l.includes('Chromium not found'));
    expect(lines).toEqual([
      'Chromium not found at /nonexistent/chromium: skipping the browser tests (projects "browser" and "browser-plain", and test/demo). To run them, install it (apt-get install chromium) or set MYELIN_CHROMIUM to a Chromium binary; bash .ci/run installs it and runs everything.',
    ]);
    // vitest's summary, without its colours: "Tests  1 skipped (1)".
    const plain = result.out.replace(new RegExp(String.fromCharCode(27) + '\\[\\d+m', 'g'), '');
    expect(plain).toMatch(/Tests\s+1 skipped \(1\)/);
  }, 150_000);
});
