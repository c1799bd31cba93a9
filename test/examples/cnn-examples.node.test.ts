/// <reference types="node" />
// The CNN examples, run as a user runs them. cnn-digits.ts runs its default
// configuration (the accuracy it promises is checked end to end); the two
// Fashion-MNIST examples run a short configuration (a few thousand images,
// one or two epochs) and are skipped, with a line saying why, on machines
// without the data set (apt-get install -y dataset-fashion-mnist, or set
// MYELIN_FASHION_MNIST to a directory holding its four IDX files).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const fashion = process.env['MYELIN_FASHION_MNIST'] ?? '/usr/share/datasets/fashion-mnist';
const hasFashion = ['train-images-idx3-ubyte', 't10k-labels-idx1-ubyte'].every(
  (f) => existsSync(join(fashion, `${f}.gz`)) || existsSync(join(fashion, f)),
);
if (!hasFashion)
  console.log(
    `Fashion-MNIST not found in ${fashion}: skipping the fashion-mnist.ts and augmentation.ts example tests. To run them: apt-get install -y dataset-fashion-mnist, or set MYELIN_FASHION_MNIST to the directory of its IDX files.`,
  );

async function example(args: string[], timeout = 300_000): Promise<string> {
  const { stdout } = await run('npx', ['tsx', ...args], { cwd: root, timeout });
  return stdout;
}

const tmp = mkdtempSync(join(tmpdir(), 'myelin-cnn-examples-'));
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('CNN examples', () => {
  it('cnn-digits.ts reaches >= 0.97 test accuracy in its default run', async () => {
    const out = await example(['examples/cnn-digits.ts']);
    // conv 1->16 3x3: 9·16 + 16 = 160; conv 16->32: 144·32 + 32 = 4,640; dense 512->64: 32,832; 64->10: 650.
    expect(out).toContain('total params: 38,282');
    const acc = /test accuracy: (\d\.\d{4}) \(loss [\d.]+, 360 images/.exec(out);
    expect(acc, out).not.toBeNull();
    expect(Number(acc![1])).toBeGreaterThanOrEqual(0.97); // 0.9778 (352 of 360)
    expect(out).toMatch(/true\\pred\s+0\s+1\s+2/);
  }, 400_000);

  it.skipIf(!hasFashion)(
    'fashion-mnist.ts trains on IDX files, prints a confusion matrix and its time, writes the curves as SVG',
    async () => {
      const svg = join(tmp, 'fashion.svg');
      const out = await example([
        'examples/fashion-mnist.ts',
        fashion,
        '--epochs',
        '1',
        '--train',
        '3000',
        '--test',
        '1000',
        '--svg',
        svg,
      ]);
      expect(out).toContain('3000 training and 1000 test images of [28, 28, 1]');
      expect(out).toMatch(/confusion matrix/);
      // Ten rows of ten counts, one per class, summing to the 1000 test images.
      const rows = [...out.matchAll(/^\s*[A-Za-z][A-Za-z/ -]*?((?:\s+\d+){10})$/gm)].map((m) =>
        m[1]!.trim().split(/\s+/).map(Number),
      );
      expect(rows).toHaveLength(10);
      expect(rows.flat().reduce((s, v) => s + v, 0)).toBe(1000);
      const acc = /test accuracy: (\d\.\d{4})/.exec(out);
      // One epoch on 3000 images: well above chance (0.1), far from the full run's figure.
      expect(Number(acc![1])).toBeGreaterThan(0.5);
      expect(out).toMatch(/total time: [\d.]+ s/);
      expect(readFileSync(svg, 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    },
    400_000,
  );

  it.skipIf(!hasFashion)(
    'augmentation.ts prints the test accuracy with and without augmentation',
    async () => {
      const out = await example([
        'examples/augmentation.ts',
        fashion,
        '--epochs',
        '2',
        '--train',
        '300',
        '--test',
        '500',
      ]);
      expect(out).toContain('300 training images, 500 test images, 2 epochs each run');
      const plain = /without augmentation: .*test accuracy (\d\.\d{4})/.exec(out);
      const aug = /with augmentation\s*: .*test accuracy (\d\.\d{4})/.exec(out);
      expect(plain, out).not.toBeNull();
      expect(aug, out).not.toBeNull();
      // The same seed and initial weights: the runs differ only by the augmentation.
      expect(aug![1]).not.toBe(plain![1]);
      expect(out).toMatch(
        /difference: -?[\d.]+ percentage points .*: (no clear difference|augmentation helped|augmentation hurt)/,
      );
    },
    400_000,
  );
});
