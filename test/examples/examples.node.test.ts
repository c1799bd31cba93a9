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

  it('residual.ts trains a residual MLP built with the functional API', async () => {
    const out = await example('residual.ts');
    // Parameters: 64·32 + 32 = 2,080 for the first dense layer, 32·32 + 32 = 1,056 for each
    // of the four in the blocks, 32·10 + 10 = 330 for the output: 2,080 + 4·1,056 + 330 = 6,634.
    expect(out).toContain('total params: 6,634 (trainable 6,634, frozen 0)');
    // Each block ends in an add layer then a relu activation layer.
    // (summary's columns: #, name, layer, output shape, params, inputs.)
    expect(out.match(/^\d+\s+add(?:_\d+)?\s+add\s+\[32\]\s+0\s+\S/gm)).toHaveLength(2);
    expect(
      out.match(/^\d+\s+activation(?:_\d+)?\s+activation \(relu\)\s+\[32\]\s+0\s+add/gm),
    ).toHaveLength(2);
    const losses = [...out.matchAll(/epoch \d+\/20 loss ([\d.]+)/g)].map((m) => Number(m[1]));
    expect(losses).toHaveLength(20);
    expect(losses.at(-1)!).toBeLessThan(losses[0]! / 10);
    const acc = /test accuracy: (\d\.\d{4}) \(loss [\d.]+, 360 images\)/.exec(out);
    expect(acc, out).not.toBeNull();
    expect(Number(acc![1])).toBeGreaterThanOrEqual(0.95); // 0.9806 (353 of 360) on the JS backend
  });

  it('sine-forecast.ts: the LSTM beats repeating the last value by at least half', async () => {
    const out = await example('sine-forecast.ts');
    const model = /LSTM MSE:\s+([\d.]+)/.exec(out);
    const naive = /repeat-last-value MSE:\s+([\d.]+)/.exec(out);
    expect(model, out).not.toBeNull();
    expect(naive, out).not.toBeNull();
    // 0.0125 against 0.0518 on the JS backend (the noise floor is 0.0100).
    expect(Number(model![1])).toBeLessThanOrEqual(Number(naive![1]) / 2);
  }, 120_000);
});
