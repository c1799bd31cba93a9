import { describe, expect, it } from 'vitest';
import { relu } from '../../src/activations/relu.js';
import { sigmoid } from '../../src/activations/sigmoid.js';
import { batchNorm } from '../../src/layers/batch-norm.js';
import { dense } from '../../src/layers/dense.js';
import { dropout } from '../../src/layers/dropout.js';
import { flatten } from '../../src/layers/flatten.js';
import { addLayer } from '../../src/layers/merge.js';
import { input } from '../../src/layers/symbolic.js';
import { graph } from '../../src/models/graph.js';
import { sequential } from '../../src/models/sequential.js';
import { summary } from '../../src/models/summary.js';

describe('summary', () => {
  it('lists index, name, kind with activation, output shape and parameter counts with totals', () => {
    // dense(64, 32): 64·32 + 32 = 2080; dense(32, 10): 32·10 + 10 = 330; total 2410
    const m = sequential([dense(64, 32, { activation: relu }), dropout(0.2), dense(32, 10)]);
    m.layers[2]!.trainable = false;
    const text = summary(m);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^#\s+name\s+layer\s+output shape\s+params$/);
    expect(lines[2]).toMatch(/^0\s+dense\s+dense \(relu\)\s+\[32\]\s+2,080$/);
    expect(lines[3]).toMatch(/^1\s+dropout\s+dropout\s+\[32\]\s+0$/);
    expect(lines[4]).toMatch(/^2\s+dense_1\s+dense, frozen\s+\[10\]\s+330$/);
    expect(lines.at(-1)).toBe('total params: 2,410 (trainable 2,080, frozen 330)');
  });

  it('counts the state values layers own (running statistics) apart from params', () => {
    // batchNorm(8): gamma, beta = 16 params; movingMean, movingVariance = 16 state values.
    // dense(8, 2): 8·2 + 2 = 18 params. Total 34 params, 16 state values.
    const text = summary(sequential([batchNorm(8), dense(8, 2)]));
    expect(text.split('\n')[2]).toMatch(/^0\s+batchNorm\s+batchNorm\s+\?\s+16$/);
    expect(text.split('\n').at(-1)).toBe(
      'total params: 34 (trainable 34, frozen 0); state: 16 values, never trained',
    );
  });

  it('shows ? where shapes are unknown', () => {
    const text = summary(sequential([flatten()]));
    expect(text.split('\n')[2]).toMatch(/^0\s+flatten\s+flatten\s+\?\s+0$/);
  });

  it('lists a graph model by application, with inputs and a shared layer counted once', () => {
    // shared: 3·3 + 3 = 12 params; out: 3·1 + 1 = 4; total 16
    const x = input([3], { name: 'features' });
    const shared = dense(3, 3, { activation: sigmoid, name: 'shared' });
    const h = shared.apply(x);
    const r = addLayer({ name: 'skip' }).apply([x, shared.apply(h)]);
    const m = graph({ inputs: x, outputs: dense(3, 1, { name: 'out' }).apply(r) });
    const lines = summary(m).split('\n');
    expect(lines[0]).toMatch(/^#\s+name\s+layer\s+output shape\s+params\s+inputs$/);
    expect(lines[2]).toMatch(/^0\s+shared\s+dense \(sigmoid\)\s+\[3\]\s+12\s+features$/);
    expect(lines[3]).toMatch(/^1\s+shared\s+dense \(sigmoid\)\s+\[3\]\s+0\s+shared$/);
    expect(lines[4]).toMatch(/^2\s+skip\s+add\s+\[3\]\s+0\s+features, shared$/);
    expect(lines[5]).toMatch(/^3\s+out\s+dense\s+\[1\]\s+4\s+skip$/);
    expect(lines.at(-1)).toBe('total params: 16 (trainable 16, frozen 0)');
  });
});
