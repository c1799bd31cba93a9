import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/_lib/errors.js';
import { lstmFromPyTorch } from '../../src/io/layout-recurrent.js';
import { dense } from '../../src/layers/dense.js';
import { lstm } from '../../src/layers/lstm.js';
import { masking } from '../../src/layers/masking.js';
import { timeDistributed } from '../../src/layers/time-distributed.js';
import { huber } from '../../src/losses/huber.js';
import { huberLoss } from '../../src/losses/huber-loss.js';
import { huberLoss as fromBarrel } from '../../src/index.js';
import type { Layer } from '../../src/layers/layer.js';
import { sequential } from '../../src/models/sequential.js';
import { sgd } from '../../src/optimizers/sgd.js';
import { tensor } from '../../src/tensor/create.js';
import { withMask } from '../../src/tensor/mask.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { evaluate } from '../../src/training/evaluate.js';
import { fit } from '../../src/training/fit.js';
import { expectClose } from '../helpers/expect-close.js';
import reference from '../fixtures/huber-loss/reference.json' with { type: 'json' };

// huberLoss({ delta }) is huber with δ fixed and a kernel declared for that δ,
// so fit and evaluate run it with step masks and sample weights (a wrapper
// `(p, t) => huber(p, t, { delta: 2 })` has no kernel and is refused there).
// Reference: torch.nn.HuberLoss(delta=2) in float64, trained by SGD
// (test/fixtures/huber-loss/make.py).

type Params = (typeof reference)['masked']['start'];

const f64 = { dtype: 'float64' } as const;

function model(
  w: Params,
  masked: boolean,
): { layers: Layer[]; net: ReturnType<typeof sequential> } {
  const rec = lstm(1, 3, {
    ...lstmFromPyTorch(w, f64),
    returnSequences: true,
    ...f64,
  });
  // nn.Linear's weight is [out, in]: dense's kernel is its transpose.
  const out = dense(3, 1, {
    kernel: tensor(
      w.linearWeight[0]!.map((v) => [v]),
      f64,
    ),
    bias: tensor(w.linearBias, f64),
    ...f64,
  });
  const layers: Layer[] = [...(masked ? [masking()] : []), rec, timeDistributed(out)];
  return { layers: [rec, out], net: sequential(layers) };
}

function expectParams(layers: Layer[], want: Params): void {
  const w = lstmFromPyTorch(want, f64);
  const [rec, out] = layers as [Layer, Layer];
  const p = rec.params as Record<string, Tensor>;
  expectClose(p.kernel!, w.kernel, { atol: 1e-12 });
  expectClose(p.recurrentKernel!, w.recurrentKernel, { atol: 1e-12 });
  expectClose(p.bias!, w.bias!, { atol: 1e-12 });
  const q = out.params as Record<string, Tensor>;
  expectClose(q.kernel!, want.linearWeight[0]!, { atol: 1e-12 });
  expectClose(q.bias!, want.linearBias, { atol: 1e-12 });
}

const x = tensor(reference.x, f64);
const y = tensor(reference.y, f64);
const sampleWeight = reference.sampleWeight;

async function train(
  masked: boolean,
  loss: ReturnType<typeof huberLoss>,
  want: (typeof reference)['masked'],
): Promise<void> {
  const { layers, net } = model(want.start, masked);
  // evaluate at the starting weights: torch's first loss.
  const before = evaluate(net, x, y, { loss, sampleWeight });
  expect(before.loss).toBeCloseTo(want.losses[0]!, 11);
  const h = await fit(net, x, y, {
    loss,
    optimizer: sgd({ learningRate: 0.1 }),
    epochs: 3,
    batchSize: 3,
    shuffle: false,
    sampleWeight,
  });
  expectClose(h.loss, want.losses, { atol: 1e-11 });
  expectParams(layers, want.end);
}

describe('huberLoss in fit against torch.nn.HuberLoss(delta=2), float64', () => {
  it('a masked sequence model with sample weights (mean over real steps)', async () => {
    await train(true, huberLoss({ delta: 2 }), reference.masked);
  });

  it('sample weights without a mask', async () => {
    await train(false, huberLoss({ delta: 2 }), reference.weighted);
  });

  it("reduction 'sum'", async () => {
    await train(false, huberLoss({ delta: 2, reduction: 'sum' }), reference.sum);
  });
});

describe('huberLoss as a function', () => {
  it('equals huber with the same delta, both reductions', () => {
    const p = tensor([0.5, 3, -4, 1.5]);
    const t = tensor([0, 0, 0, 0]);
    // δ = 2: ½·0.25 = 0.125, 2·(3 − 1) = 4, 2·(4 − 1) = 6, ½·2.25 = 1.125; sum 11.25
    expect(huberLoss({ delta: 2 })(p, t).item()).toBeCloseTo(11.25 / 4, 6);
    expect(huberLoss({ delta: 2, reduction: 'sum' })(p, t).item()).toBeCloseTo(11.25, 5);
    expect(huberLoss({ delta: 2 })(p, t, { reduction: 'sum' }).item()).toBe(
      huber(p, t, { delta: 2, reduction: 'sum' }).item(),
    );
    expect(fromBarrel).toBe(huberLoss);
  });

  it('honours a step mask with its own delta (huber refuses options there)', () => {
    const p = withMask(
      tensor([
        [[0.5], [3]],
        [[9], [1]],
      ]),
      [
        [1, 1],
        [1, 0],
      ],
    );
    const t = tensor([
      [[0], [0]],
      [[0], [0]],
    ]);
    // real steps: 0.125, 2·(3 − 1) = 4, 2·(9 − 1) = 16; mean 20.125 / 3
    expect(huberLoss({ delta: 2 })(p, t).item()).toBeCloseTo(20.125 / 3, 5);
    expect(() => huber(p, t, { delta: 2 })).toThrow(ValueError);
    expect(() => huberLoss({ delta: 2, reduction: 'sum' })(p, t)).toThrow(
      /huberLoss: a prediction with a step mask .* reduction 'sum' is not supported/,
    );
  });

  it('carries its name, settings and a kernel', () => {
    const loss = huberLoss({ delta: 2 });
    expect(loss.lossName).toBe('huberLoss');
    expect(loss.config).toEqual({ delta: 2, reduction: 'mean' });
    expect(typeof loss.kernel.compute).toBe('function');
    expect(huberLoss().config).toEqual({ delta: 1, reduction: 'mean' });
  });

  it('refuses bad options', () => {
    expect(() => huberLoss({ delta: 0 })).toThrow(
      'huberLoss: delta must be a finite number > 0, got 0',
    );
    expect(() => huberLoss({ delta: -1 })).toThrow(/huberLoss: delta/);
    expect(() => huberLoss({ reduction: 'none' as 'sum' })).toThrow(
      'huberLoss: reduction must be "mean" or "sum", got "none"',
    );
    expect(() => huberLoss({ delta: 1, alpha: 1 } as never)).toThrow(/unknown option "alpha"/);
    const loss = huberLoss({ delta: 2 });
    expect(() => loss(tensor([1]), tensor([0]), { delta: 1 } as never)).toThrow(
      /huberLoss: delta is set when the loss is made/,
    );
  });
});
