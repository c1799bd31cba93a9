import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../src/_lib/errors.js';
import { sigmoid } from '../../src/activations/sigmoid.js';
import { dense } from '../../src/layers/dense.js';
import { dropout } from '../../src/layers/dropout.js';
import type { ForwardContext, Layer } from '../../src/layers/layer.js';
import { noGrad } from '../../src/autograd/graph.js';
import { graph } from '../../src/models/graph.js';
import { input } from '../../src/layers/symbolic.js';
import { predict } from '../../src/models/predict.js';
import { createRng } from '../../src/random/rng.js';
import { sequential } from '../../src/models/sequential.js';
import { tensor, zeros } from '../../src/tensor/create.js';
import { maxPool2d } from '../../src/layers/pool.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { expectClose } from '../helpers/expect-close.js';

describe('predict', () => {
  it('accepts nested arrays and returns a tensor with known values', () => {
    // sigmoid(1·0.5 + 2·(−1) + 0.5) = sigmoid(−1) = 0.26894142
    const m = sequential([dense(2, 1, { kernel: [[1], [2]], bias: [0.5], activation: sigmoid })]);
    const out = predict(m, [[0.5, -1]]);
    expect(out.shape).toEqual([1, 1]);
    expectClose(out, [[0.26894142]], { atol: 1e-7 });
  });

  it('records no graph, even though the parameters require gradients', () => {
    const m = sequential([dense(2, 3), dense(3, 1)]);
    const out = predict(m, tensor([[1, 2]]));
    expect(out.requiresGrad).toBe(false);
    expect(out.node).toBeNull();
  });

  it('runs in inference mode (training: false)', () => {
    const seen: boolean[] = [];
    const spy: Layer = {
      kind: 'spy',
      config: {},
      params: {},
      trainable: true,
      inputShape: null,
      outputShape: (s) => [...s],
      forward: (x: Tensor, ctx: ForwardContext) => {
        seen.push(ctx.training);
        return x;
      },
    };
    predict(sequential([spy]), [[1]]);
    expect(seen).toEqual([false]);
    // dropout is the identity at inference
    expect(predict(sequential([dropout(0.9)]), [[1, 2, 3]]).toArray()).toEqual([[1, 2, 3]]);
  });

  it('gives the same result in chunks', () => {
    const m = sequential([dense(2, 3), dense(3, 2)]);
    const x = tensor([
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
      [9, 10],
    ]);
    expect(Array.from(predict(m, x, { batchSize: 2 }).data)).toEqual(
      Array.from(predict(m, x).data),
    );
  });

  it('rejects the wrong input width naming predict and the layer', () => {
    const m = sequential([dense(3, 2)]);
    expect(() => predict(m, [[1, 2]])).toThrow(ShapeError);
    expect(() => predict(m, [[1, 2]])).toThrow(
      'predict: layer 0 (dense) expects input shape [3] but x has per-sample shape [2]',
    );
    // a shape the first layer cannot take reads as a sentence too
    expect(() => predict(sequential([maxPool2d(3)]), zeros([1, 2, 2, 1]))).toThrow(
      "predict: layer 0 (maxPool2d) cannot take x of per-sample shape [2,2,1]: maxPool2d: poolSize 3 is larger than the input's height 2",
    );
    expect(() => predict({} as never, [[1]])).toThrow(/model must be a model made by sequential/);
    expect(() => predict(m, [[1, 2, 3]], { batchSize: 0 })).toThrow(/batchSize/);
  });

  describe('repeated calls (the same model and per-sample shape go straight to the plan)', () => {
    // The article's 3-4-2 sigmoid network, kernels [inputs, units].
    const article = () =>
      sequential([
        dense(3, 4, {
          activation: sigmoid,
          kernel: [
            [0.5, 0.7, -0.1, 0.3],
            [-0.6, -0.8, 0.9, 0.1],
            [0.1, 0.2, -0.3, -0.4],
          ],
          bias: [0.1, -0.2, 0.3, 0.4],
        }),
        dense(4, 2, {
          activation: sigmoid,
          kernel: [
            [0.2, -0.3],
            [-0.1, 0.8],
            [0.4, -0.5],
            [0.6, 0.2],
          ],
          bias: [-0.1, 0.2],
        }),
      ]);

    it('gives bit for bit what the general path and the layers give', () => {
      const m = article();
      const xs = [
        tensor([[0.7, -1.5, 0.2]]),
        tensor([[-3, 2, 0.5]]),
        tensor([
          [0.7, -1.5, 0.2],
          [1, 1, 1],
          [-0.25, 0, 4],
        ]),
        tensor([[0.7, -1.5, 0.2]], { dtype: 'float64' }),
      ];
      const rng = createRng(0);
      for (let round = 0; round < 3; round++)
        for (const x of xs) {
          const fast = predict(m, x); // a repeat from the second round on
          const general = predict(m, x, { batchSize: 2048 }); // options: the general path
          const layers = noGrad(() => m.forward(x, { training: false, rng }));
          expect(fast.shape).toEqual([x.shape[0], 2]);
          expect(fast.dtype).toBe(general.dtype);
          expect(Array.from(fast.data)).toEqual(Array.from(general.data));
          expect(Array.from(fast.data)).toEqual(Array.from(layers.data));
          // A fresh tensor each call: the plan's buffers are not handed out.
          expect(predict(m, x).data).not.toBe(fast.data);
        }
      // Known values: hidden = σ([1.37, 1.53, -1.18, 0.38]) for [0.7, -1.5, 0.2].
      const h = [1.37, 1.53, -1.18, 0.38].map((z) => 1 / (1 + Math.exp(-z)));
      const o0 = 1 / (1 + Math.exp(-(0.2 * h[0]! - 0.1 * h[1]! + 0.4 * h[2]! + 0.6 * h[3]! - 0.1)));
      expect(predict(m, xs[0]!).data[0]).toBeCloseTo(o0, 6);
    });

    it('still rejects bad input with the same messages once a loop is under way', () => {
      const m = article();
      const good = tensor([[0.7, -1.5, 0.2]]);
      const messages = (): string[] => {
        const out: string[] = [];
        for (const bad of [
          () => predict(m, tensor([[1, 2]])),
          () => predict(m, tensor([1, 2, 3])),
          () => predict(m, tensor(1)),
          () => predict(m, new Float32Array(3) as never),
          () => predict({} as never, good),
          () => predict(m, good, { batchSize: 0 }),
          () => predict(m, good, { batch: 2 } as never),
        ]) {
          try {
            bad();
            out.push('no error');
          } catch (e) {
            out.push(`${(e as Error).name}: ${(e as Error).message}`);
          }
        }
        return out;
      };
      const before = messages();
      expect(before[0]).toBe(
        'ShapeError: predict: layer 0 (dense) expects input shape [3] but x has per-sample shape [2]',
      );
      expect(before[1]).toMatch(/one sample without a batch dimension/);
      expect(before).not.toContain('no error');
      for (let i = 0; i < 5; i++) predict(m, good);
      expect(messages()).toEqual(before);
      // An empty batch leaves the loop's path and still works.
      expect(predict(m, new Tensor(new Float32Array(0), [0, 3])).shape).toEqual([0, 2]);
    });

    it('stays on the repeat path when a loop alternates between models, with the same numbers', () => {
      // The general path reads model.kind (checkModel, inputTensors); the
      // repeat path does not: count the reads.
      let reads = 0;
      const counted = <M extends object>(m: M): M => {
        const kind = (m as { kind: unknown }).kind;
        Object.defineProperty(m, 'kind', {
          get: () => {
            reads++;
            return kind;
          },
        });
        return m;
      };
      const a = counted(article());
      const b = counted(sequential([dense(3, 2, { activation: sigmoid, rng: createRng(3) })]));
      const x = tensor([[0.7, -1.5, 0.2]]);
      const x64 = tensor([[0.7, -1.5, 0.2]], { dtype: 'float64' });
      const general = (m: typeof a, t: Tensor): number[] =>
        Array.from(predict(m, t, { batchSize: 1 }).data);
      const want = [general(a, x), general(b, x), general(a, x64)];
      for (let i = 0; i < 2; i++) {
        predict(a, x);
        predict(b, x);
        predict(a, x64);
      }
      reads = 0;
      for (let i = 0; i < 5; i++) {
        expect(Array.from(predict(a, x).data)).toEqual(want[0]);
        expect(Array.from(predict(b, x).data)).toEqual(want[1]);
        expect(Array.from(predict(a, x64).data)).toEqual(want[2]);
      }
      expect(reads).toBe(0);
      // Bad input after the loop still takes the checks, with the same message.
      expect(() => predict(b, tensor([[1, 2]]))).toThrow(
        'predict: layer 0 (dense) expects input shape [3] but x has per-sample shape [2]',
      );
      expect(reads).toBeGreaterThan(0);
    });

    it('copies batches of more than 64 elements whole, converting int32 input like small ones', () => {
      // 30 rows × 3 = 90 elements: past the element-by-element copy. Small
      // integers are exact in float32, so int32 input must give the float32
      // input's numbers bit for bit, on the repeat path as on the first call.
      const m = article();
      const values = Array.from({ length: 30 }, (_, r) => [r % 5, -(r % 3), (r % 7) - 3]);
      const f32 = tensor(values);
      const i32 = tensor(values, { dtype: 'int32' });
      const want = Array.from(predict(m, f32, { batchSize: 2048 }).data);
      for (let i = 0; i < 3; i++) {
        expect(Array.from(predict(m, f32).data)).toEqual(want);
        expect(Array.from(predict(m, i32).data)).toEqual(want);
      }
      // Row 7 alone: [2, -1, 0].
      expect(Array.from(predict(m, tensor([values[7]!])).data)).toEqual(want.slice(14, 16));
    });

    it("checks a graph model's declared input shape on every input it has not seen", () => {
      // dense acts on the last axis, so a plan would run [n, 5, 3]; the
      // declared input is [3], so predict must refuse it, before and after a loop.
      const x = input([3]);
      const m = graph({ inputs: x, outputs: dense(3, 2).apply(x) });
      const wrong = tensor(
        Array.from({ length: 2 }, () => Array.from({ length: 5 }, () => [1, 2, 3])),
      );
      const message =
        /predict: x has per-sample shape \[5,3\], but the model's input "input" is \[3\]/;
      expect(() => predict(m, wrong)).toThrow(message);
      for (let i = 0; i < 3; i++) predict(m, tensor([[1, 2, 3]]));
      expect(() => predict(m, wrong)).toThrow(ShapeError);
      expect(() => predict(m, wrong)).toThrow(message);
    });
  });
});
