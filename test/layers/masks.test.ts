import { describe, expect, it } from 'vitest';
import { backward } from '../../src/autograd/backward.js';
import { ShapeError, ValueError } from '../../src/_lib/errors.js';
import { dense } from '../../src/layers/dense.js';
import { embedding } from '../../src/layers/embedding.js';
import { lstm } from '../../src/layers/lstm.js';
import { masking, stepMask } from '../../src/layers/masking.js';
import { input } from '../../src/layers/symbolic.js';
import { timeDistributed } from '../../src/layers/time-distributed.js';
import type { Layer } from '../../src/layers/layer.js';
import { runLayer1 } from '../../src/layers/_run.js';
import { crossEntropy } from '../../src/losses/cross-entropy.js';
import { mse } from '../../src/losses/mse.js';
import { graph } from '../../src/models/graph.js';
import { predict } from '../../src/models/predict.js';
import { sequential } from '../../src/models/sequential.js';
import { createRng } from '../../src/random/rng.js';
import { tensor, zeros } from '../../src/tensor/create.js';
import { lengthsMask, maskOf, withMask } from '../../src/tensor/mask.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { evaluate } from '../../src/training/evaluate.js';
import { accuracy } from '../../src/training/metrics.js';
import { fit } from '../../src/training/fit.js';
import { sgd } from '../../src/optimizers/sgd.js';
import { checkParity, data } from '../engine/_parity.js';

const ctx = { training: false, rng: createRng(0) };

describe('masks', () => {
  it('withMask and lengthsMask make and check step masks', () => {
    expect(lengthsMask([3, 1, 0], 3).toArray()).toEqual([
      [1, 1, 1],
      [1, 0, 0],
      [0, 0, 0],
    ]);
    const x = withMask(zeros([2, 3, 1]), [
      [1, 0, 1],
      [true, true, false],
    ]);
    expect(Array.from(maskOf(x)!)).toEqual([1, 0, 1, 1, 1, 0]);
    expect(maskOf(withMask(x, null))).toBeNull();
    expect(() => withMask(zeros([2, 3, 1]), [[1, 1, 1]])).toThrow(
      /withMask: mask must be \[batch, steps\] = \[2,3\] for x of shape \[2,3,1\], got \[1,3\]/,
    );
    expect(() => withMask(zeros([2, 3, 1]), new Uint8Array(5))).toThrow(ShapeError);
    expect(() => withMask(zeros([2]), [[1, 1]])).toThrow(/withMask: x must have shape/);
    expect(() => withMask(zeros([1, 2, 1]), [[1, 2]])).toThrow(/mask entry 1 must be 0, 1/);
    expect(() => lengthsMask([4], 3)).toThrow(
      /lengthsMask: lengths\[0\] must be an integer in \[0, 3\]/,
    );
    expect(() => lengthsMask([1.5], 3)).toThrow(ValueError);
  });

  it('masking marks steps whose features all equal maskValue and zeroes them', () => {
    const x = tensor([
      [
        [1, 2],
        [-1, -1],
        [3, -1],
      ],
    ]);
    const y = masking({ maskValue: -1 }).forward(x, ctx);
    expect(y.toArray()).toEqual([
      [
        [1, 2],
        [0, 0],
        [3, -1],
      ],
    ]);
    expect(Array.from(maskOf(y)!)).toEqual([1, 0, 1]);
    expect(() => masking().forward(tensor([[1, 2]]), ctx)).toThrow(
      /masking: input must be \[batch, steps, \.\.\.features\]/,
    );
  });

  it('masking compares maskValue in the input dtype (0.1 and -0.1 match float32 padding)', async () => {
    // A float32 0.1 is 0.100000001490116…, not the number 0.1: compared unrounded, padding
    // written as 0.1 never matched. Keras casts mask_value to the input's dtype.
    for (const v of [0.1, -0.1])
      for (const dtype of ['float32', 'float64'] as const) {
        const rows = [
          [1, 2],
          [v, v],
          [v, v],
        ];
        const y = masking({ maskValue: v }).forward(tensor([rows], { dtype }), ctx);
        expect(Array.from(maskOf(y)!), `${v} ${dtype}`).toEqual([1, 0, 0]);
        expect(Array.from(y.data), `${v} ${dtype}`).toEqual([1, 2, 0, 0, 0, 0]);
        // predict and forward: the padded row reads as the unpadded one.
        const model = sequential([masking({ maskValue: v }), lstm(2, 3, { rng: createRng(4) })]);
        const padded = predict(model, tensor([rows], { dtype }));
        const short = predict(model, tensor([rows.slice(0, 1)], { dtype }));
        expect(Array.from(padded.data), `${v} ${dtype}`).toEqual(Array.from(short.data));
        const viaAutograd = model.forward(tensor([rows], { dtype }), ctx);
        expect(Array.from(viaAutograd.data), `${v} ${dtype}`).toEqual(Array.from(short.data));
        // fit: the same losses, padded or not.
        const train = async (x: number[][][]) => {
          const m = sequential([
            masking({ maskValue: v }),
            lstm(2, 3, { rng: createRng(4) }),
            dense(3, 1, { rng: createRng(5) }),
          ]);
          const h = await fit(m, tensor(x, { dtype }), tensor([[0.5]], { dtype }), {
            loss: mse,
            optimizer: sgd({ learningRate: 0.1 }),
            epochs: 2,
            batchSize: 1,
            rng: createRng(6),
          });
          return h.loss;
        };
        // Two epochs: the second loss is after a step, so the gradients matched too.
        expect(await train([rows]), `${v} ${dtype}`).toEqual(await train([rows.slice(0, 1)]));
      }
    // Compared in the input's dtype: a float64 input holding the float32 nearest 0.1 is real.
    const near = masking({ maskValue: 0.1 }).forward(
      tensor([[[Math.fround(0.1)], [0.1]]], { dtype: 'float64' }),
      ctx,
    );
    expect(Array.from(maskOf(near)!)).toEqual([1, 0]);
  });

  it('layers that keep their steps pass the mask on; those that drop the steps drop it', () => {
    const x = withMask(tensor([[[1], [2], [0]]]), [[1, 1, 0]]);
    const td = timeDistributed(dense(1, 2, { rng: createRng(1) }));
    expect(Array.from(maskOf(td.forward(x, ctx))!)).toEqual([1, 1, 0]);
    const last = lstm(1, 2, { rng: createRng(2) }).forward(x, ctx);
    expect(last.shape).toEqual([1, 2]);
    expect(maskOf(last)).toBeNull();
  });

  it('the losses count real steps only: the mean is over them', () => {
    // p − t per step: row 0: [1, 2, 9(masked)], row 1: [3, 9(masked), 9(masked)].
    const p = withMask(
      tensor([
        [[1], [2], [9]],
        [[3], [9], [9]],
      ]),
      lengthsMask([2, 1], 3),
    );
    const t = zeros([2, 3, 1]);
    // (1 + 4 + 9) / 3 real steps = 14/3
    expect(mse(p, t).item()).toBeCloseTo(14 / 3, 5);
    const q = withMask(
      tensor(
        [
          [[1], [2], [9]],
          [[3], [9], [9]],
        ],
        { requiresGrad: true },
      ),
      lengthsMask([2, 1], 3),
    );
    backward(mse(q, t));
    // ∂/∂p = 2(p − t)/3 at real steps, 0 at padding.
    expect(Array.from(q.grad!.data).map((v) => Math.round(v * 1e5) / 1e5)).toEqual([
      0.66667, 1.33333, 0, 2, 0, 0,
    ]);
    // Cross-entropy over classes per step: only the real steps' rows.
    const logits = withMask(
      tensor([
        [
          [0, 0],
          [5, -5],
        ],
      ]),
      [[1, 0]],
    );
    expect(crossEntropy(logits, tensor([[0, 1]])).item()).toBeCloseTo(Math.log(2), 6);
    expect(() => mse(p, t, { reduction: 'sum' })).toThrow(/not supported with a mask/);
    expect(() => mse(p, zeros([2, 1, 3]))).toThrow(ShapeError);
  });

  it('evaluate and accuracy honour the mask of the model output', () => {
    // Ids 0 are padding; dense(…, 2) gives class scores per step.
    const model = sequential([
      embedding(3, 2, {
        maskZero: true,
        embeddings: [
          [0, 0],
          [1, 0],
          [0, 1],
        ],
      }),
      dense(2, 2, {
        kernel: [
          [1, 0],
          [0, 1],
        ],
        bias: [0, 0],
      }),
    ]);
    const x = tensor(
      [
        [1, 2, 0],
        [2, 0, 0],
      ],
      { dtype: 'int32' },
    );
    // Predicted classes at real steps: 0, 1 | 1. Targets 0, 1 | 0 → 2 of 3 right; padding labels are wrong on purpose.
    const y = tensor(
      [
        [0, 1, 1],
        [0, 0, 0],
      ],
      { dtype: 'int32' },
    );
    const r = evaluate(model, x, y, { loss: crossEntropy, metrics: [accuracy] });
    expect(r.metrics.accuracy).toBeCloseTo(2 / 3, 10);
    // loss over the 3 real steps: right ones −log σ(1) each, the wrong one −log σ(−1)
    const l1 = Math.log(1 + Math.exp(-1)),
      l2 = Math.log(1 + Math.exp(1));
    expect(r.loss).toBeCloseTo((2 * l1 + l2) / 3, 5);
  });

  it('fit’s training metrics count real steps only, as evaluate does', async () => {
    const model = sequential([
      embedding(4, 3, { maskZero: true, rng: createRng(12) }),
      dense(3, 2, { rng: createRng(13) }),
    ]);
    const x = tensor(
      [
        [1, 2, 0],
        [3, 0, 0],
        [2, 2, 1],
      ],
      { dtype: 'int32' },
    );
    const y = tensor(
      [
        [0, 1, 1],
        [1, 1, 1],
        [0, 0, 1],
      ],
      { dtype: 'int32' },
    );
    const want = evaluate(model, x, y, { loss: crossEntropy, metrics: [accuracy] });
    // A learning rate of 0 leaves the weights as they are: the same predictions as evaluate's.
    const h = await fit(model, x, y, {
      loss: crossEntropy,
      optimizer: sgd({ learningRate: 0 }),
      metrics: [accuracy],
      epochs: 1,
      batchSize: 2,
      shuffle: false,
      rng: createRng(0),
    });
    expect(h.metrics.accuracy![0]).toBe(want.metrics.accuracy);
    // (The epoch loss is not compared: as Keras, fit averages batch losses weighted by rows,
    // while each batch's loss is a mean over its own real steps.)
    // 6 real steps, so accuracy is a multiple of 1/6 (9 steps would give multiples of 1/9).
    expect((want.metrics.accuracy! * 6) % 1).toBeCloseTo(0, 10);
  });

  it('a layer applied twice gives each application its own mask', () => {
    const emb = embedding(5, 2, { maskZero: true, rng: createRng(14) });
    const a = input([3]);
    const b = input([3]);
    const model = graph({ inputs: [a, b], outputs: [emb.apply(a), emb.apply(b)] });
    const ia = tensor([[1, 0, 0]], { dtype: 'int32' });
    const ib = tensor([[2, 3, 0]], { dtype: 'int32' });
    const [ya, yb] = predict(model, [ia, ib]) as Tensor[];
    expect(Array.from(maskOf(ya!)!)).toEqual([1, 0, 0]);
    expect(Array.from(maskOf(yb!)!)).toEqual([1, 1, 0]);
    const [fa, fb] = model.forwardAll([ia, ib], ctx);
    expect(Array.from(maskOf(fa!)!)).toEqual([1, 0, 0]);
    expect(Array.from(maskOf(fb!)!)).toEqual([1, 1, 0]);
  });

  it('stepMask brings a mask from lengths into a graph model on every path', async () => {
    const build = (): ReturnType<typeof graph> => {
      const xi = input([4, 2]);
      const mi = input([4]);
      const h = stepMask().apply([xi, mi]);
      const y = lstm(2, 3, { returnSequences: true, rng: createRng(4) }).apply(h);
      return graph({
        inputs: [xi, mi],
        outputs: timeDistributed(dense(3, 1, { rng: createRng(5) })).apply(y),
      });
    };
    const x = data([6, 4, 2]);
    const m = lengthsMask([4, 3, 2, 1, 4, 2], 4);
    const out = predict(build(), [x, m]) as Tensor;
    expect(Array.from(maskOf(out)!)).toEqual(Array.from(m.data));
    await checkParity({
      name: 'stepMask + lstm',
      build,
      x: [x, m],
      y: data([6, 4, 1], 'float32', 1),
      loss: mse,
    });
    expect(() => stepMask().apply([input([4, 2]), input([3])])).toThrow(ShapeError);
  });

  it('masked and unmasked paths agree on unpadded data', () => {
    const x = data([3, 5, 2]);
    const make = (): ReturnType<typeof lstm> =>
      lstm(2, 4, { returnSequences: true, rng: createRng(6) });
    const plain = make().forward(x, ctx);
    const masked = make().forward(withMask(data([3, 5, 2]), lengthsMask([5, 5, 5], 5)), ctx);
    expect(Array.from(masked.data)).toEqual(Array.from(plain.data));
  });

  it('padding never changes the real steps, on predict and under autograd', () => {
    // Row lengths 2 and 4, padded to 6 with junk; the same rows unpadded give the same real steps.
    const rng = createRng(8);
    const model = sequential([
      masking({ maskValue: 0 }),
      lstm(2, 3, { returnSequences: true, rng }),
      timeDistributed(dense(3, 2, { rng })),
    ]);
    const rowA = [
      [1, 2],
      [3, -1],
    ];
    const rowB = [
      [0.5, 0.1],
      [-2, 1],
      [1, 1],
      [0.3, -0.7],
    ];
    const pad = (r: number[][]): number[][] => [
      ...r,
      ...Array.from({ length: 6 - r.length }, () => [0, 0]),
    ];
    const padded = predict(model, tensor([pad(rowA), pad(rowB)]));
    const a = predict(model, tensor([rowA]));
    const b = predict(model, tensor([rowB]));
    expect(Array.from(padded.data.slice(0, 4))).toEqual(Array.from(a.data));
    expect(Array.from(padded.data.slice(12, 20))).toEqual(Array.from(b.data));
    const viaAutograd = model.forwardAll(tensor([pad(rowA), pad(rowB)]), ctx)[0]!;
    expect(Array.from(viaAutograd.data)).toEqual(Array.from(padded.data));
    // The final state of a one-way lstm over padded rows is that of the real steps.
    const last = lstm(2, 3, { rng: createRng(9) });
    const m = masking();
    const lp = last.forward(m.forward(tensor([pad(rowA)]), ctx), ctx);
    const lr = last.forward(tensor([rowA]), ctx);
    expect(Array.from(lp.data)).toEqual(Array.from(lr.data));
  });

  it('masking + lstm + masked loss give the same numbers on every path', async () => {
    const x = data([8, 5, 2]);
    // Pad rows to lengths 5, 3, 1, 4, ... with zeros.
    const lens = [5, 3, 1, 4, 2, 5, 3, 1];
    for (let r = 0; r < 8; r++)
      for (let t = lens[r]!; t < 5; t++) x.data.fill(0, (r * 5 + t) * 2, (r * 5 + t + 1) * 2);
    await checkParity({
      name: 'masking + lstm',
      build: () => {
        const rng = createRng(11);
        return sequential([
          masking(),
          lstm(2, 3, { returnSequences: true, rng }),
          timeDistributed(dense(3, 2, { rng })),
        ]);
      },
      x,
      y: data([8, 5, 2], 'float32', 2),
      loss: mse,
      batchSize: 3,
    });
  });

  it('a layer whose output mask has the wrong size is an error naming it, on every path', () => {
    // A layer of the contract written here: identity, declaring a mask of one entry per row.
    const bad: Layer = {
      kind: 'badMask',
      name: 'm',
      config: {},
      params: {},
      trainable: true,
      inputShape: null,
      outputShape: (s) => [...s],
      compile: (shapes) => ({
        outShapes: [shapes[0]!],
        forward: (io) => {
          io.outputs[0]!.set(io.inputs[0]!);
        },
        backward: () => undefined,
        outputMask: (io) => new Uint8Array(io.rows),
      }),
      forward(x, c) {
        return runLayer1('badMask', bad, x, c);
      },
    };
    const x = zeros([2, 3, 1]);
    expect(() => bad.forward(x, ctx)).toThrow(
      /badMask "m": its output mask has 2 entries; expected 2 rows × 3 steps for output shape \[2,3,1\]/,
    );
    expect(() => predict(sequential([bad]), x)).toThrow(
      /badMask "m": its output mask has 2 entries/,
    );
  });
});
