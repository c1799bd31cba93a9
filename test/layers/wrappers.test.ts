import { describe, expect, it } from 'vitest';
import { gradcheck } from '../../src/autograd/functional.js';
import { ValueError } from '../../src/_lib/errors.js';
import { bidirectional } from '../../src/layers/bidirectional.js';
import { dense } from '../../src/layers/dense.js';
import { dropout } from '../../src/layers/dropout.js';
import { gru } from '../../src/layers/gru.js';
import { lstm } from '../../src/layers/lstm.js';
import { masking } from '../../src/layers/masking.js';
import { timeDistributed } from '../../src/layers/time-distributed.js';
import { mse } from '../../src/losses/mse.js';
import { predict } from '../../src/models/predict.js';
import { sequential } from '../../src/models/sequential.js';
import { mul } from '../../src/ops/mul.js';
import { sum } from '../../src/ops/sum.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';
import { lengthsMask, withMask } from '../../src/tensor/mask.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { checkParity, data } from '../engine/_parity.js';

const ctx = { training: false, rng: createRng(0) };

/** Row r of x [rows, steps, f] with its first `len` steps reversed and the rest left in place. */
function reverseRows(x: Tensor, lens: readonly number[]): Tensor {
  const [rows, steps, f] = x.shape as [number, number, number];
  const out = x.data.slice();
  for (let r = 0; r < rows; r++)
    for (let t = 0; t < lens[r]!; t++)
      for (let j = 0; j < f; j++)
        out[(r * steps + t) * f + j] = x.data[(r * steps + lens[r]! - 1 - t) * f + j]!;
  return new Tensor(out, x.shape);
}

describe('timeDistributed', () => {
  it('equals the wrapped dense layer on the flattened steps', () => {
    const d = dense(3, 2, { rng: createRng(1) });
    const x = data([4, 5, 3]);
    const y = timeDistributed(d).forward(x, ctx);
    const flat = d.forward(new Tensor(x.data, [20, 3]), ctx);
    expect(y.shape).toEqual([4, 5, 2]);
    expect(Array.from(y.data)).toEqual(Array.from(flat.data));
  });

  it('shares the wrapped layer’s parameters, by the same names', () => {
    const d = dense(3, 2);
    const td = timeDistributed(d);
    expect(td.params.kernel).toBe(d.kernel);
    expect(Object.keys(td.params)).toEqual(['kernel', 'bias']);
  });

  it('passes a float64 gradient check through the wrapped layer', () => {
    const d = dense(3, 2, { dtype: 'float64', rng: createRng(2) });
    const td = timeDistributed(d);
    const x = data([2, 3, 3], 'float64');
    const w = data([2, 3, 2], 'float64', 1);
    const f = (xi: Tensor): Tensor => {
      const y = td.forward(xi, { training: true, rng: createRng(0) });
      return sum(mul(mul(y, y), w));
    };
    expect(gradcheck(f, [x, d.kernel, d.bias!]).passed).toBe(true);
  });

  it('gives the same numbers on every path', async () => {
    await checkParity({
      name: 'timeDistributed(dense) + dropout',
      build: () =>
        sequential([
          timeDistributed(dense(3, 4, { rng: createRng(3) })),
          timeDistributed(dropout(0.3)),
          timeDistributed(dense(4, 1, { rng: createRng(4) })),
        ]),
      x: data([6, 5, 3]),
      y: data([6, 5, 1], 'float32', 1),
      loss: mse,
    });
  });

  it('rejects inputs without steps and layers it cannot drive', () => {
    expect(() => timeDistributed(dense(3, 2)).forward(tensor([[1, 2, 3]]), ctx)).toThrow(
      /timeDistributed: input must be \[batch, steps, \.\.\.features\]/,
    );
    expect(() => timeDistributed({} as never)).toThrow(/timeDistributed: layer must be a layer/);
  });
});

describe('bidirectional', () => {
  const make = (seed: number) => () => lstm(2, 3, { returnSequences: true, rng: createRng(seed) });

  it('equals a forward layer and a backward layer on the reversed sequence (concat)', () => {
    const x = data([2, 4, 2]);
    const fwd = make(1)();
    const bwd = make(2)();
    const bi = bidirectional(make(1)(), { backwardLayer: make(2)() });
    const y = bi.forward(x, ctx);
    expect(y.shape).toEqual([2, 4, 6]);
    const yf = fwd.forward(x, ctx);
    const yb = reverseRows(bwd.forward(reverseRows(x, [4, 4]), ctx), [4, 4]);
    for (let i = 0; i < 8; i++)
      for (let j = 0; j < 3; j++) {
        expect(y.data[i * 6 + j]).toBe(yf.data[i * 3 + j]);
        expect(y.data[i * 6 + 3 + j]).toBe(yb.data[i * 3 + j]);
      }
  });

  it('reverses each row over its real steps only when the input is masked', () => {
    const x = data([2, 5, 2]);
    const lens = [5, 3];
    const mask = lengthsMask(lens, 5);
    const bi = bidirectional(() => lstm(2, 3, { returnSequences: false, rng: createRng(7) }), {
      mergeMode: 'sum',
    });
    const y = bi.forward(withMask(x, mask), ctx);
    // Row 1 alone, trimmed to its 3 real steps, gives the same final states.
    const row1 = new Tensor(x.data.slice(10, 16), [1, 3, 2]);
    const y1 = bi.forward(row1, ctx);
    for (let j = 0; j < 3; j++) expect(y.data[3 + j]).toBeCloseTo(y1.data[j]!, 6);
    // And it is the sum of the two one-way final states.
    const f = bi.forwardLayer.forward(row1, ctx);
    const b = bi.backwardLayer.forward(reverseRows(row1, [3]), ctx);
    for (let j = 0; j < 3; j++) expect(y1.data[j]).toBe(Math.fround(f.data[j]! + b.data[j]!));
  });

  it('merges by sum, ave and mul', () => {
    const x = data([1, 3, 2]);
    const out = (mergeMode: 'sum' | 'ave' | 'mul'): Float32Array =>
      bidirectional(make(1)(), { backwardLayer: make(2)(), mergeMode }).forward(x, ctx)
        .data as Float32Array;
    const cat = bidirectional(make(1)(), { backwardLayer: make(2)() }).forward(x, ctx).data;
    const s = out('sum'),
      a = out('ave'),
      m = out('mul');
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        const f = cat[i * 6 + j]!,
          b = cat[i * 6 + 3 + j]!;
        expect(s[i * 3 + j]).toBe(Math.fround(f + b));
        expect(a[i * 3 + j]).toBe(Math.fround(Math.fround(f + b) * 0.5));
        expect(m[i * 3 + j]).toBe(Math.fround(f * b));
      }
  });

  it('passes a float64 gradient check (inputs and both layers’ weights, masked)', () => {
    const bi = bidirectional(
      () => gru(2, 2, { returnSequences: true, dtype: 'float64', rng: createRng(3) }),
      { mergeMode: 'mul' },
    );
    const x = data([2, 3, 2], 'float64');
    const w = data([2, 3, 2], 'float64', 1);
    const mask = lengthsMask([3, 2], 3);
    const f = (xi: Tensor): Tensor => {
      const y = bi.forward(withMask(xi, mask), { training: true, rng: createRng(0) });
      return sum(mul(y, w));
    };
    expect(gradcheck(f, [x, ...Object.values(bi.params)]).passed).toBe(true);
  });

  it('gives the same numbers on every path (with masks)', async () => {
    const x = data([6, 4, 2]);
    const lens = [4, 2, 3, 1, 4, 2];
    for (let r = 0; r < 6; r++)
      for (let t = lens[r]!; t < 4; t++) x.data.fill(0, (r * 4 + t) * 2, (r * 4 + t + 1) * 2);
    await checkParity({
      name: 'masking + bidirectional(lstm)',
      build: () =>
        sequential([
          masking(),
          bidirectional(() => lstm(2, 3, { returnSequences: true, rng: createRng(5) })),
          timeDistributed(dense(6, 1, { rng: createRng(6) })),
        ]),
      x,
      y: data([6, 4, 1], 'float32', 1),
      loss: mse,
    });
  });

  it('names its parameters forward.* and backward.*', () => {
    const bi = bidirectional(make(1));
    expect(Object.keys(bi.params)).toEqual([
      'forward.kernel',
      'forward.recurrentKernel',
      'forward.bias',
      'backward.kernel',
      'backward.recurrentKernel',
      'backward.bias',
    ]);
  });

  it('rejects a merge mode that does not exist, a missing backward layer and bad inputs', () => {
    expect(() => bidirectional(make(1), { mergeMode: 'max' as never })).toThrow(
      /bidirectional: mergeMode must be one of 'concat', 'sum', 'ave', 'mul', got "max"/,
    );
    expect(() => bidirectional(make(1)())).toThrow(
      /bidirectional: backwardLayer must be a second layer/,
    );
    const l = make(1)();
    expect(() => bidirectional(l, { backwardLayer: l })).toThrow(/a layer other than layer/);
    expect(() => bidirectional(make(1)).forward(tensor([[1, 2]]), ctx)).toThrow(
      /bidirectional: input must be \[batch, steps, features\]/,
    );
  });

  it('refuses a wrapped layer with returnState when it is built, not at the first call', () => {
    // Keras's Bidirectional would return [merged, h_fwd, c_fwd, h_bwd, c_bwd]; here each
    // direction gives one output, so the states have nowhere to go.
    expect(() => bidirectional(() => lstm(2, 3, { returnState: true }))).toThrow(
      /^bidirectional: layer\(\) must not return its states, got lstm with returnState: true/,
    );
    expect(() =>
      bidirectional(gru(2, 3), { backwardLayer: gru(2, 3, { returnState: true }), name: 'bi' }),
    ).toThrow(/^bidirectional "bi": backwardLayer must not return its states, got gru/);
    expect(() =>
      bidirectional(lstm(2, 3, { returnState: true }), { backwardLayer: lstm(2, 3) }),
    ).toThrow(ValueError);
    // timeDistributed gives one output per step too
    expect(() => timeDistributed(lstm(2, 3, { returnState: true }))).toThrow(
      'timeDistributed: layer must be a layer of one output (build it without returnState), got "lstm with returnState: true"',
    );
    // Without it, the same layers build and run.
    const ok = sequential([bidirectional(() => lstm(2, 3)), dense(6, 1)]);
    expect(
      predict(
        ok,
        tensor([
          [
            [1, 2],
            [3, 4],
          ],
        ]),
      ).shape,
    ).toEqual([1, 1]);
  });
});
