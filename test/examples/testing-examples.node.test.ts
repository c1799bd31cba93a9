/// <reference types="node" />
// The node:test example of docs/testing.md runs as its header says, with
// Node's own test runner (tsx maps 'myelin' to src/ through tsconfig's paths).
// The vitest example, examples/testing/vitest.test.ts, is in the node test
// project itself (see vitest.config.ts).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

describe('examples/testing', () => {
  it('node-test.ts passes under node --test', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', '--test', 'examples/testing/node-test.ts'],
      { cwd: root, encoding: 'utf8', timeout: 120_000 },
    ).catch((e: unknown) => {
      // A failing test makes node exit non-zero: show its report.
      throw new Error(`node --test failed:\n${(e as { stdout?: string }).stdout ?? String(e)}`);
    });
    expect(stdout).toMatch(/^# tests 3$/m);
    expect(stdout).toMatch(/^# pass 3$/m);
    expect(stdout).toMatch(/^# fail 0$/m);
  });
});
