import { describe, expect, it } from 'vitest';
import { relu } from '../../src/activations/relu.js';
import { dense } from '../../src/layers/dense.js';
import { dropout } from '../../src/layers/dropout.js';
import { flatten } from '../../src/layers/flatten.js';
import { sequential } from '../../src/models/sequential.js';
import { summary } from '../../src/models/summary.js';

describe('summary', () => {
  it('lists index, kind, output shape and parameter counts with totals', () => {
    // dense(64, 32): 64·32 + 32 = 2080; dense(32, 10): 32·10 + 10 = 330; total 2410
    const m = sequential([dense(64, 32, { activation: relu }), dropout(0.2), dense(32, 10)]);
    m.layers[2]!.trainable = false;
    const text = summary(m);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^#\s+layer\s+output shape\s+params$/);
    expect(lines[2]).toMatch(/^0\s+dense\s+\[32\]\s+2,080$/);
    expect(lines[3]).toMatch(/^1\s+dropout\s+\[32\]\s+0$/);
    expect(lines[4]).toMatch(/^2\s+dense \(frozen\)\s+\[10\]\s+330$/);
    expect(lines.at(-1)).toBe('total params: 2,410 (trainable 2,080, frozen 330)');
  });

  it('shows ? where shapes are unknown', () => {
    const text = summary(sequential([flatten()]));
    expect(text.split('\n')[2]).toMatch(/^0\s+flatten\s+\?\s+0$/);
  });
});
