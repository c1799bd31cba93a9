/// <reference types="node" />
// The README's quick start must run exactly as written: extract the first
// TypeScript block under "## Quick start", run it with tsx (which maps
// 'myelin' to src/ through tsconfig paths, as the examples do) and check what
// it prints against what its comment promises.
// (test/package/pack.node.test.ts runs it again in a new `npm init -y`
// project with the packed package installed, as a user would.)
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expectXorLearned, quickStart } from './helpers/readme.js';
import { opTable } from './ops/op-table.js';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('README quick start', () => {
  it('is at most about ten lines of code', () => {
    const lines = quickStart()
      .split('\n')
      .filter((l) => l.trim() !== '');
    expect(lines.length).toBeLessThanOrEqual(12);
  });

  it('tells a new CommonJS project (npm init -y) how to run it', () => {
    const readme = readFileSync(`${root}README.md`, 'utf8');
    const install = readme.slice(readme.indexOf('## Install'), readme.indexOf('## Quick start'));
    expect(install).toContain('"type": "module"');
    expect(install).toContain('npm pkg set type=module');
    expect(install).toMatch(/`\.mjs`.*`\.mts`/s);
    const start = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('```ts'));
    expect(start).toContain('node quickstart.mjs');
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
    expectXorLearned(out);
  });
});

describe('README figures', () => {
  it('counts the differentiable ops as test/ops/op-table.ts does (one row name per op)', () => {
    const readme = readFileSync(`${root}README.md`, 'utf8');
    const claimed = readme.match(/(\d+) differentiable ops/)?.[1];
    expect(claimed, 'README states "<n> differentiable ops"').toBeDefined();
    expect(Number(claimed)).toBe(new Set(opTable.map((r) => r.name)).size);
  });
});
