/// <reference types="node" />
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));

async function example(args: string[]): Promise<string> {
  const { stdout } = await run('npx', ['tsx', ...args], { cwd: root, timeout: 300_000 });
  return stdout;
}

describe('sequence examples', () => {
  it('sentiment.ts: embedding + LSTM beats the majority class and a bag of words', async () => {
    const out = await example(['examples/sentiment.ts']);
    const acc = (label: string): number => {
      const m = new RegExp(`${label}:\\s+test accuracy (\\d\\.\\d{3})`).exec(out);
      expect(m, out).not.toBeNull();
      return Number(m![1]);
    };
    const majority = acc('majority class');
    const bow = acc('bag-of-words logistic reg\\.');
    const lstm = acc('embedding \\+ LSTM');
    // Measured: 0.603, 0.660 and 0.943 (the flipped labels cap it near 0.95).
    expect(bow).toBeGreaterThan(majority);
    expect(lstm).toBeGreaterThan(bow + 0.15);
    expect(out).toMatch(/for example: "[a-z ]+ but [a-z ]+" -> (positive|negative)/);
  }, 300_000);

  it('char-lstm.ts --quick: learns to beat the unigram baseline and writes text', async () => {
    const out = await example(['examples/char-lstm.ts', '--quick']);
    const unigram = Number(/unigram baseline: (\d\.\d{3}) bits per character/.exec(out)![1]);
    const before = Number(/before training: (\d\.\d{3}) bits/.exec(out)![1]);
    const final = /validation: (\d\.\d{3}) bits per character \(unigram (\d\.\d{3})\)/.exec(out);
    expect(final, out).not.toBeNull();
    // 57 characters: an untrained model is near log2(57) ≈ 5.83 bits, the unigram 4.24.
    expect(before).toBeGreaterThan(unigram);
    expect(Number(final![1])).toBeLessThan(unigram);
    expect(out.match(/^epoch \d+\/\d+: training loss/gm)!.length).toBeGreaterThan(1);
    const samples = out.split(/sample at temperature [\d.]+:\n/).slice(1);
    expect(samples).toHaveLength(2);
    for (const s of samples) expect(s.startsWith('Alice was ')).toBe(true);
  }, 300_000);
});
