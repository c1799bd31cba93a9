/// <reference types="node" />
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseXml, findAll } from '../plots/_xml.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));

async function example(args: string[]): Promise<string> {
  const { stdout } = await run('npx', ['tsx', ...args], { cwd: root, timeout: 180_000 });
  return stdout;
}

const FASHION = '/usr/share/datasets/fashion-mnist';
const haveFashion = existsSync(join(FASHION, 'train-images-idx3-ubyte.gz'));
if (!haveFashion)
  console.log(
    `examples/transfer.ts test skipped: Fashion-MNIST is not in ${FASHION} (apt-get install dataset-fashion-mnist)`,
  );

describe('explanation and transfer examples', () => {
  it('explain-digits.ts prints conservation figures and writes one LRP and one IG heatmap per image', async () => {
    mkdirSync(join(root, '.tmp'), { recursive: true });
    const dir = mkdtempSync(join(root, '.tmp', 'explain-'));
    try {
      const out = await example([
        'examples/explain-digits.ts',
        dir,
        '--epochs',
        '8',
        '--images',
        '2',
      ]);
      const acc = /test accuracy: (0\.\d{4}) after 8 epochs/.exec(out);
      expect(acc, out).not.toBeNull();
      expect(Number(acc![1])).toBeGreaterThan(0.85);
      // Every layer with its rule and the relevance it received and passed on: zB at the pixels,
      // max pooling and flatten passing it on whole (kept 100%), LRP-ε in the dense layer.
      const kept = (layer: string, rule: string): number => {
        const m = new RegExp(
          `${layer}\\s+rule ${rule}\\s+in [-\\d.]+\\s+out [-\\d.]+\\s+kept ([-\\d.]+)%`,
        ).exec(out);
        expect(m, `${layer} in:\n${out}`).not.toBeNull();
        return Number(m![1]);
      };
      expect(kept('conv', 'zB')).toBeCloseTo(100, 0);
      expect(kept('pool', 'epsilon')).toBe(100);
      expect(kept('flatten', 'epsilon')).toBe(100);
      expect(Math.abs(kept('logits', 'epsilon') - 100)).toBeLessThan(5);
      const gaps = [
        ...out.matchAll(
          /^\s+\d+\s+\d+\s+\d+\s+[-\d.]+\s+[-\d.]+\s+[-\d.]+\s+[-\d.]+\s+([\d.e+-]+)$/gm,
        ),
      ].map((m) => Number(m[1]));
      expect(gaps).toHaveLength(2);
      for (const g of gaps) expect(g).toBeLessThan(0.1); // 64 steps: the path integral is close (about 0.01)
      const files = readdirSync(dir).sort();
      expect(files).toEqual([
        'digit-0-ig.svg',
        'digit-0-lrp.svg',
        'digit-1-ig.svg',
        'digit-1-lrp.svg',
      ]);
      const svg = parseXml(readFileSync(join(dir, 'digit-0-lrp.svg'), 'utf8'));
      expect(findAll(svg, 'rect', 'pixel')).toHaveLength(64);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!haveFashion)(
    'transfer.ts compares scratch, frozen and fine-tuned models (short run)',
    async () => {
      const out = await example(['examples/transfer.ts', '--quick']);
      expect(out).toMatch(/pretrained on classes 0-4 \(6000 images, 1 epochs/);
      for (const name of ['from scratch', 'frozen base', 'then fine-tuned', 'linear on pixels']) {
        const m = new RegExp(`${name}\\s+(\\d+\\.\\d)%`).exec(out);
        expect(m, `${name} in:\n${out}`).not.toBeNull();
        expect(Number(m![1])).toBeGreaterThan(40); // far above chance (20%) for each of them
      }
    },
  );
});
