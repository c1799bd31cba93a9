/// <reference types="node" />
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findAll, parseXml, pathPoints } from '../plots/_xml.js';

// The repository root; 'myelin' resolves to src/ there through tsconfig's paths, which tsx honours.
const root = fileURLToPath(new URL('../..', import.meta.url));
const num = String.raw`(\d+\.\d{4})`;

describe('examples/overfitting.ts', () => {
  it('prints both models’ scores and the cross-validated accuracy, and writes the learning curves', () => {
    const dir = mkdtempSync(join(tmpdir(), 'myelin-overfitting-'));
    try {
      const svgPath = join(dir, 'curves.svg');
      const out = execFileSync('npx', ['tsx', 'examples/overfitting.ts', svgPath], {
        cwd: root,
        encoding: 'utf8',
      });
      const lines = out.trimEnd().split('\n');
      expect(lines).toHaveLength(5);
      expect(lines[0]).toMatch(
        new RegExp(String.raw`^plain: lowest validation loss ${num} at epoch (\d+), then rising$`),
      );
      const plain = new RegExp(
        String.raw`^plain: training loss ${num}, validation loss ${num}, validation accuracy ${num}, test accuracy ${num} \(100 epochs\)$`,
      ).exec(lines[1]!);
      const reg = new RegExp(
        String.raw`^regularized: training loss ${num}, validation loss ${num}, validation accuracy ${num}, test accuracy ${num} \((\d+) epochs\)$`,
      ).exec(lines[2]!);
      expect(plain, lines[1]).not.toBeNull();
      expect(reg, lines[2]).not.toBeNull();
      const [pTrain, pVal, pValAcc, pTestAcc] = plain!.slice(1, 5).map(Number) as [
        number,
        number,
        number,
        number,
      ];
      const [rTrain, rVal, rValAcc, rTestAcc] = reg!.slice(1, 5).map(Number) as [
        number,
        number,
        number,
        number,
      ];
      // The plain network memorizes: far lower training loss than validation loss.
      expect(pTrain).toBeLessThan(pVal / 10);
      // Regularization + early stopping lowers the validation loss; accuracy stays in the same range.
      expect(rVal).toBeLessThan(pVal);
      expect(rTrain).toBeGreaterThan(pTrain);
      for (const a of [pValAcc, pTestAcc, rValAcc, rTestAcc]) expect(a).toBeGreaterThan(0.85);
      const cv = new RegExp(
        String.raw`^5-fold cross-validated accuracy: ${num} ± ${num} \(folds: ((?:\d\.\d{3}, ){4}\d\.\d{3}); ± is the sample standard deviation\)$`,
      ).exec(lines[3]!);
      expect(cv, lines[3]).not.toBeNull();
      const folds = cv![3]!.split(', ').map(Number);
      const mean = folds.reduce((a, b) => a + b, 0) / 5;
      expect(Number(cv![1])).toBeCloseTo(mean, 2);
      expect(Number(cv![1])).toBeGreaterThan(0.8);
      expect(lines[4]).toBe(`learning curves written to ${svgPath}`);

      const svg = parseXml(readFileSync(svgPath, 'utf8'));
      expect(findAll(svg, 'svg', 'panel').map((p) => p.attrs['data-panel'])).toEqual([
        'loss',
        'accuracy',
      ]);
      const series = findAll(svg, 'path', 'series');
      expect(series.map((p) => p.attrs['data-name'])).toEqual([
        'plain loss',
        'plain val loss',
        'regularized loss',
        'regularized val loss',
        'plain accuracy',
        'plain val accuracy',
        'regularized accuracy',
        'regularized val accuracy',
      ]);
      const epochsReg = Number(reg![5]);
      // The regularized run stopped `patience` epochs after its best one.
      expect(series.map((p) => pathPoints(p.attrs.d!))).toEqual(
        [100, 100, epochsReg + 20, epochsReg + 20, 100, 100, epochsReg + 20, epochsReg + 20].map(
          (n) => Math.min(n, 100),
        ),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
