import { describe, expect, it } from 'vitest';
import { gradcheck } from '../../src/autograd/index.js';
import { notDifferentiable, opTable } from './op-table.js';

describe('gradcheck over the op table', () => {
  for (const row of opTable) {
    it(`${row.name}${row.label === undefined ? '' : ` (${row.label})`}`, () => {
      const result = gradcheck(row.fn, row.inputs());
      expect(result.passed).toBe(true);
      expect(result.worst).not.toBeNull(); // something was actually checked
    });
  }
});

describe('op table coverage', () => {
  it('every op exported from src/ops/index.ts has a row or a notDifferentiable entry', async () => {
    const ops = await import('../../src/ops/index.js');
    const exported = Object.keys(ops);
    expect(exported.length).toBeGreaterThan(30);
    const covered = new Set([...opTable.map((r) => r.name), ...Object.keys(notDifferentiable)]);
    const missing = exported.filter((name) => !covered.has(name));
    expect(missing, `ops with no op-table row: ${missing.join(', ')}`).toEqual([]);
  });

  it('every row and list entry names a real export, and no op is in both', async () => {
    const exported = new Set(Object.keys(await import('../../src/ops/index.js')));
    const rows = opTable.map((r) => r.name);
    expect(rows.filter((n) => !exported.has(n))).toEqual([]);
    expect(Object.keys(notDifferentiable).filter((n) => !exported.has(n))).toEqual([]);
    expect(rows.filter((n) => n in notDifferentiable)).toEqual([]);
  });
});
