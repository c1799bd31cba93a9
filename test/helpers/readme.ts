/// <reference types="node" />
// The README's quick start, as the README tests run it (from the repository
// and from the packed package), and the check of what it prints.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The first ```ts block under "## Quick start" in README.md. */
export function quickStart(): string {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const section = readme.split('## Quick start')[1];
  const block = section?.match(/```ts\n([\s\S]*?)```/)?.[1];
  if (block === undefined) throw new Error('README has no ```ts block under "## Quick start"');
  return block;
}

/** Checks the quick start's output: "<final loss> [ [ p00 ], [ p01 ], [ p10 ], [ p11 ] ]", XOR learned. */
export function expectXorLearned(out: string): void {
  const numbers = out.match(/-?\d+(?:\.\d+)?(?:e-?\d+)?/g)!.map(Number);
  expect(numbers.length, out).toBe(5);
  const [loss, ...p] = numbers as [number, ...number[]];
  expect(loss).toBeLessThan(0.05);
  expect(p.map((v) => Math.round(v))).toEqual([0, 1, 1, 0]);
}
