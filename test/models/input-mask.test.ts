// A step mask an input carries (attached with withMask, or on another model's
// output) is read by predict and evaluate as the layers called under autograd
// read it; fit, whose batches would drop it, refuses such an input.
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/_lib/errors.js';
import {
  createRng,
  dense,
  embedding,
  evaluate,
  fit,
  globalAvgPool1d,
  graph,
  input,
  lengthsMask,
  lstm,
  maskOf,
  mse,
  predict,
  sequential,
  sgd,
  stepMask,
  tensor,
  withMask,
} from '../../src/index.js';
import { lrp, saliency } from '../../src/explain/index.js';

const rng = createRng(1);

describe('an input carrying a step mask', () => {
  const x = () => withMask(tensor([[[1], [2], [3]]]), [[1, 1, 0]]);

  it('is read by predict and evaluate as forward reads it', () => {
    const m = sequential([globalAvgPool1d()]);
    // the mean of the real steps 1 and 2 (predict once averaged the padding in: 2)
    expect(Array.from(m.forward(x(), { training: false, rng }).data)).toEqual([1.5]);
    expect(Array.from(predict(m, x()).data)).toEqual([1.5]);
    // several chunks: each chunk's rows of the mask
    const many = withMask(
      tensor([
        [[1], [2], [3]],
        [[4], [5], [6]],
        [[7], [8], [9]],
      ]),
      [
        [1, 1, 0],
        [1, 0, 0],
        [1, 1, 1],
      ],
    );
    expect(Array.from(predict(m, many, { batchSize: 2 }).data)).toEqual([1.5, 4, 8]);
    expect(evaluate(m, many, [[1.5], [4], [8]], { loss: mse, batchSize: 2 }).loss).toBe(0);
    // the buffers keep no mask for the next call without one
    expect(Array.from(predict(m, tensor([[[1], [2], [3]]])).data)).toEqual([2]);
  });

  it('chains: a masking encoder predicted, then a head on its output, as one model', () => {
    const ids = tensor(
      [
        [3, 1, 0, 0],
        [2, 0, 0, 0],
      ],
      { dtype: 'int32' },
    );
    const emb = embedding(5, 3, { maskZero: true, rng: createRng(2) });
    const rec = lstm(3, 4, { returnSequences: true, rng: createRng(3) });
    const pool = globalAvgPool1d();
    const head = dense(4, 1, { rng: createRng(4) });
    const encoder = sequential([emb, rec]);
    const top = sequential([pool, head]);
    const whole = sequential([emb, rec, pool, head]);
    const feats = predict(encoder, ids);
    expect(maskOf(feats)).not.toBeNull();
    expect(Array.from(predict(top, feats).data)).toEqual(Array.from(predict(whole, ids).data));
  });

  it('is refused by fit, whose batches would drop the mask', async () => {
    const d = sequential([globalAvgPool1d(), dense(1, 1)]);
    const before = d.layers[1]!.params.kernel!.data.slice();
    const run = fit(d, x(), [[1]], { loss: mse, optimizer: sgd(), epochs: 1 });
    await expect(run).rejects.toThrow(ValueError);
    await expect(fit(d, x(), [[1]], { loss: mse, optimizer: sgd(), epochs: 1 })).rejects.toThrow(
      "fit: x carries a step mask (from withMask, or a model's output), which fit does not read: train one model that makes the mask",
    );
    expect(d.layers[1]!.params.kernel!.data).toEqual(before);
  });

  it('is refused by the explanations, which would drop it', () => {
    const m = sequential([globalAvgPool1d(), dense(1, 1, { rng: createRng(5) })]);
    expect(() => lrp(m, x())).toThrow('lrp: x carries a step mask');
    expect(() => saliency(m, x())).toThrow('saliency: x carries a step mask');
  });

  it('a stepMask layer fed by a mask input works on every path', () => {
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
