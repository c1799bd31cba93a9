/// <reference types="node" />
// The README's quick start must run exactly as written: extract the first
// TypeScript block under "## Quick start", run it with tsx (which maps
// 'myelin' to src/ through tsconfig paths, as the examples do) and check what
// it prints against what its comment promises.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

function quickStart(): string {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const section = readme.split('## Quick start')[1];
  const block = section?.match(/```ts\n([\s\S]*?)```/)?.[1];
  if (block === undefined) throw new Error('README has no ```ts block under "## Quick start"');
  return block;
}

describe('README quick start', () => {
  it('is at most about ten lines of code', () => {
    const lines = quickStart()
      .split('\n')
      .filter((l) => l.trim() !== '');
    expect(lines.length).toBeLessThanOrEqual(12);
  });

  it('runs as written and learns XOR', () => {
    mkdirSync(`${root}.tmp`, { recursive: true });
    const file = `${root}.tmp/readme-quick-start.ts`;
    writeFileSync(file, quickStart());
    const out = execFileSync('npx', ['tsx', file], {
      cwd: root,
      encoding: 'utf8',
      timeout: 90_000,
    });
    // "<final loss> [ [ p00 ], [ p01 ], [ p10 ], [ p11 ] ]"
    const numbers = out.match(/-?\d+(?:\.\d+)?(?:e-?\d+)?/g)!.map(Number);
    expect(numbers.length).toBe(5);
    const [loss, ...p] = numbers as [number, ...number[]];
    expect(loss).toBeLessThan(0.05);
    expect(p.map((v) => Math.round(v))).toEqual([0, 1, 1, 0]);
  });
});
