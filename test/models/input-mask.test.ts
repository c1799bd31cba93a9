// predict, fit and evaluate do not read a step mask attached to an input with
// withMask (it lives beside the tensor for layers called under autograd): they
// refuse such an input instead of silently computing over the padding.
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/_lib/errors.js';
import {
  createRng,
  dense,
  evaluate,
  fit,
  globalAvgPool1d,
  graph,
  input,
  lengthsMask,
  mse,
  predict,
  sequential,
  sgd,
  stepMask,
  tensor,
  withMask,
} from '../../src/index.js';

describe('an input carrying a withMask mask', () => {
  const x = () => withMask(tensor([[[1], [2], [3]]]), [[1, 1, 0]]);

  it('is refused by predict, fit and evaluate, which would drop the mask', async () => {
    const m = sequential([globalAvgPool1d()]);
    // forward under autograd honours it: the mean of the real steps 1 and 2
    const direct = m.forward(x(), { training: false, rng: createRng(1) });
    expect(Array.from(direct.data)).toEqual([1.5]);
    expect(() => predict(m, x())).toThrow(ValueError);
    expect(() => predict(m, x())).toThrow(
      'predict: x carries a step mask (withMask), which predict does not read; mask inside the model',
    );
    const d = sequential([globalAvgPool1d(), dense(1, 1)]);
    await expect(fit(d, x(), [[1]], { loss: mse, optimizer: sgd(), epochs: 1 })).rejects.toThrow(
      'fit: x carries a step mask (withMask)',
    );
    expect(() => evaluate(d, x(), [[1]], { loss: mse })).toThrow(
      'evaluate: x carries a step mask (withMask)',
    );
  });

  it('the way that works on every path: a stepMask layer fed by a mask input', () => {
    const xs = input([3, 1]);
    const ms = input([3]);
    const model = graph({
      inputs: [xs, ms],
      outputs: globalAvgPool1d().apply(stepMask().apply([xs, ms])),
    });
    const y = predict(model, [tensor([[[1], [2], [3]]]), lengthsMask([2], 3)]);
    expect(Array.from(y.data)).toEqual([1.5]);
  });
});
