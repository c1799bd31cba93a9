/// <reference types="node" />
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));

async function example(name: string): Promise<string> {
  const { stdout } = await run('npx', ['tsx', `examples/${name}`], { cwd: root, timeout: 60_000 });
  return stdout;
}

// The digits example is covered by test/e2e/digits.node.test.ts (same model and data).
describe('examples', () => {
  it('seed-network.ts prints the article values', async () => {
    const out = await example('seed-network.ts');
    expect(out).toContain('Output: [0.60530524, 0.65013656]');
    expect(out).toContain('[0.125, -0.032]');
    // output-layer bias gradient = (o − t)·o(1 − o) = [0.144614, −0.07958]
    expect(out).toContain('d loss / d layers.1.bias: [0.144614, -0.07958]');
    const losses = [...out.matchAll(/step \d+: loss ([\d.]+)/g)].map((m) => Number(m[1]));
    expect(losses.length).toBeGreaterThan(2);
    losses.slice(1).forEach((l, i) => {
      expect(l).toBeLessThan(losses[i]!);
    });
  });

  it('xor.ts learns XOR', async () => {
    const out = await example('xor.ts');
    expect(out).toMatch(/0 xor 0 -> 0\.\d+ \(0\)/);
    expect(out).toMatch(/0 xor 1 -> 0\.\d+ \(1\)/);
    expect(out).toMatch(/1 xor 0 -> 0\.\d+ \(1\)/);
    expect(out).toMatch(/1 xor 1 -> 0\.\d+ \(0\)/);
    expect(out).toContain('correct: 4/4');
  });
});
