import { describe, expect, it } from 'vitest';
import * as activations from '../../src/activations/index.js';
import { gradcheck } from '../../src/autograd/functional.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { activationTable } from './activation-table.js';

// Helpers that build activations rather than being one.
const NOT_ACTIVATIONS = new Set(['defineActivation', 'defineConfigurable']);

describe('activation table: float64 gradient checks', () => {
  it.each(activationTable.map((r) => [r.name, r] as const))('%s', (_name, r) => {
    expect(r.input.dtype).toBe('float64');
    // PyTorch's gradcheck defaults: eps 1e-6, atol 1e-5, rtol 1e-3; throws on the worst element.
    const result = gradcheck((x) => r.fn(x), [r.input]);
    expect(result.passed).toBe(true);
    // The analytic gradient must really exist (not a silently detached output).
    expect(r.fn(r.input).dtype).toBe('float64');
  });

  it('every activation exported from src/activations/index.ts has a row', () => {
    const exported = Object.entries(activations).filter(([name]) => !NOT_ACTIVATIONS.has(name));
    expect(exported.length).toBeGreaterThanOrEqual(14);
    const missing = exported
      .filter(([name]) => !activationTable.some((r) => r.exportName === name))
      .map(([name]) => name);
    expect(missing, 'activations without a gradcheck row').toEqual([]);
  });

  it('each row covers the activation it names', () => {
    const byName = activations as unknown as Record<string, { activationName?: string }>;
    for (const r of activationTable) {
      const exported = byName[r.exportName];
      expect(exported, r.name).toBeDefined();
      // A configured form keeps the export's stable name; a wrapper calling it with an axis is named by its label.
      if ('activationName' in r.fn)
        expect((r.fn as { activationName: string }).activationName, r.name).toBe(
          exported!.activationName,
        );
    }
  });

  it('a wrong gradient fails the check (the check can fail)', () => {
    const r = activationTable.find((row) => row.name === 'gelu')!;
    // gelu of a detached copy sharing the data: the analytic gradient is 0, the numeric is not.
    const detached = (x: Tensor) => activations.gelu(new Tensor(x.data, x.shape));
    expect(gradcheck(detached, [r.input], { throwOnFailure: false }).passed).toBe(false);
  });
});
