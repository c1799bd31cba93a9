/// <reference types="node" />
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findAll, parseXml } from '../plots/_xml.js';

// The repository root; 'myelin' resolves to src/ there through tsconfig's paths, which tsx honours.
const root = fileURLToPath(new URL('../..', import.meta.url));
const run = (args: string[]): string[] =>
  execFileSync('npx', ['tsx', ...args], { cwd: root, encoding: 'utf8' })
    .trimEnd()
    .split('\n');
const numbers = (line: string): number[] => (line.match(/-?\d+\.\d+/g) ?? []).map(Number);

describe('examples/imbalance.ts', () => {
  it('reports the cut classes, and class weights and balanced batches raise their recall', () => {
    const lines = run(['examples/imbalance.ts']);
    // the data report sees the imbalance it was given: 7 images of each rare digit
    expect(lines[0]).toMatch(/^Data set: \d+ samples, 64 features$/);
    expect(lines[1]).toMatch(/3: 7 \(0\.7%\).*5: 7 \(0\.7%\).*8: 7 \(0\.7%\)/);
    expect(lines).toContain('Test rows also in training: 0 of 450');
    expect(lines.some((l) => l.startsWith('  - class imbalance: '))).toBe(true);
    // 'balanced' weights: 964 / (10 · 7) ≈ 13.77 for the rare digits, ≈ 0.7 for the rest
    const weights = lines.find((l) => l.startsWith('balanced class weights: '))!;
    expect(numbers(weights).filter((w) => w > 13 && w < 14.5)).toHaveLength(3);

    const row = (name: string): number[] => {
      const line = lines.find((l) => l.startsWith(name.padEnd(17)))!;
      const v = numbers(line);
      expect(v, line).toHaveLength(12); // 10 digits, rare mean, accuracy
      return v;
    };
    const plain = row('plain');
    const weighted = row('class weights');
    const balanced = row('balanced batches');
    for (const r of [plain, weighted, balanced]) {
      // every recall and the accuracy is a fraction; the rare mean is the mean of digits 3, 5, 8
      for (const v of r) expect(v >= 0 && v <= 1).toBe(true);
      expect(r[10]).toBeCloseTo((r[3]! + r[5]! + r[8]!) / 3, 1);
    }
    // the common digits are learned either way
    for (const d of [0, 1, 2, 4, 6, 7, 9]) expect(plain[d]).toBeGreaterThan(0.85);
    // both remedies find more of the rare digits, and lift accuracy
    expect(weighted[10]).toBeGreaterThan(plain[10]! + 0.1);
    expect(balanced[10]).toBeGreaterThan(plain[10]! + 0.05);
    expect(weighted[11]).toBeGreaterThan(plain[11]!);
    // and over the other draws of the kept images too
    const draws = lines.filter((l) => l.startsWith('draw '));
    expect(draws).toHaveLength(2);
    for (const d of draws) {
      const [p, w, b] = numbers(d) as [number, number, number];
      expect(w).toBeGreaterThan(p);
      expect(b).toBeGreaterThan(p);
    }
  });
});

describe('examples/fairness.ts', () => {
  it('prints the groups’ metrics and gaps before and after reweighing, and their calibration', () => {
    const dir = mkdtempSync(join(tmpdir(), 'myelin-fairness-'));
    try {
      const svgPath = join(dir, 'calibration.svg');
      const lines = run(['examples/fairness.ts', svgPath]);
      // the built-in bias: B's historical positive rate is well under its true one
      const [trueA, trueB] = numbers(lines.find((l) => l.startsWith('qualified (true'))!);
      const [histA, histB] = numbers(lines.find((l) => l.startsWith('qualified (historical'))!);
      expect(Math.abs(trueA! - trueB!)).toBeLessThan(0.05);
      expect(histA).toBe(trueA);
      expect(histB).toBeLessThan(trueB! * 0.7);
      // reweighing raises the pairs the labels under-represent: (A, 0) and (B, 1) above 1
      const w = lines.find((l) => l.startsWith('reweighing: '))!;
      const [a0, a1, b0, b1] = numbers(w) as [number, number, number, number];
      expect(a0).toBeGreaterThan(1);
      expect(b1).toBeGreaterThan(1);
      expect(a1).toBeLessThan(1);
      expect(b0).toBeLessThan(1);

      const gap = (name: string): number[] =>
        lines.filter((l) => l.startsWith(name)).map((l) => numbers(l)[0]!);
      const [eoBefore, eoAfter] = gap('equal opportunity difference  ') as [number, number];
      const [dpBefore, dpAfter] = gap('demographic parity difference ') as [number, number];
      // trained on biased labels, the model finds far fewer of B's qualified applicants
      expect(eoBefore).toBeGreaterThan(0.1);
      expect(dpBefore).toBeGreaterThan(0.05);
      // reweighing closes most of both gaps
      expect(eoAfter).toBeLessThan(eoBefore / 2);
      expect(dpAfter).toBeLessThan(dpBefore / 2);
      // the group rows: recall of B before < recall of A
      const bRows = lines.filter((l) => /^B\s+\d+\s+\d+\s/.test(l)).map(numbers);
      const aRows = lines.filter((l) => /^A\s+\d+\s+\d+\s/.test(l)).map(numbers);
      expect(aRows).toHaveLength(2);
      expect(bRows[0]![2]).toBeLessThan(aRows[0]![2]! - 0.1); // recall is the 3rd decimal column
      // calibration per model, overall and per group
      const ece = lines.filter((l) => /^ {2}.*: all \d\.\d{3}, A \d\.\d{3}, B \d\.\d{3}$/.test(l));
      expect(ece).toHaveLength(2);
      for (const l of ece) for (const v of numbers(l)) expect(v >= 0 && v < 0.2).toBe(true);
      // the reliability diagram compares the two models
      const svg = parseXml(readFileSync(svgPath, 'utf8'));
      expect(findAll(svg, 'path', 'series')).toHaveLength(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
