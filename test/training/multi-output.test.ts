// Models of several outputs in fit and evaluate: gradients of outputs that
// share a value, losses that give the prediction no gradient, metrics and
// losses reported per output under Keras's keys, loss weights and per-output
// sample weights (against a PyTorch float64 step), custom metrics' values, and
// target errors that name the target.
import { describe, expect, it } from 'vitest';
import {
  accuracy,
  adam,
  argmax,
  autoMode,
  createRng,
  crossEntropy,
  dense,
  earlyStopping,
  evaluate,
  fit,
  graph,
  input,
  mae,
  mean,
  meanAbsoluteErrorMetric,
  monitorValue,
  mse,
  parameters,
  predict,
  sequential,
  sgd,
  square,
  sum,
  tanh,
  tensor,
  type Loss,
  type Metric,
  type Model,
  type Tensor,
} from '../../src/index.js';
import { autogradTrajectory, checkParity, data, fitTrajectory } from '../engine/_parity.js';
import { expectClose } from '../helpers/expect-close.js';

const weightsOf = (m: Model): number[][] => parameters(m).map((t) => Array.from(t.data));

describe('one value listed as several outputs', () => {
  it("sums the outputs' gradients (known values)", async () => {
    const a = input([1]);
    const d = dense(1, 1, { kernel: [[1]], bias: [0] });
    const h = d.apply(a);
    const model = graph({ inputs: a, outputs: [h, h] });
    const history = await fit(model, [[1]], [[[3]], [[0]]], {
      loss: [mse, mse],
      optimizer: sgd({ learningRate: 0.1 }),
      epochs: 1,
    });
    // h = 1: ∂/∂h [(h − 3)² + (h − 0)²] = 2(1 − 3) + 2(1 − 0) = −2, and ∂h/∂w = x = 1, ∂h/∂b = 1:
    // w = 1 − 0.1·(−2) = 1.2, b = 0 − 0.1·(−2) = 0.2 (the last loss alone gave 0.8)
    expect(d.kernel.data[0]).toBe(Math.fround(1.2));
    expect(d.bias!.data[0]).toBe(Math.fround(0.2));
    expect(history.loss).toEqual([5]); // 4 + 1
    expect(Object.keys(history.metrics)).toEqual(['dense_loss', 'dense_1_loss']);
  });

  it('matches a PyTorch float64 step', async () => {
    // torch.set_default_dtype(torch.float64); h = tanh(X @ W + b)
    // (((h - T1) ** 2).mean() + (h - T2).abs().mean()).backward(); W - W.grad, b - b.grad
    const x = input([3], { dtype: 'float64' });
    const d = dense(3, 2, {
      activation: tanh,
      dtype: 'float64',
      kernel: [
        [0.1, -0.2],
        [0.3, 0.4],
        [-0.5, 0.6],
      ],
      bias: [0.05, -0.1],
    });
    const h = d.apply(x);
    const history = await fit(
      graph({ inputs: x, outputs: [h, h] }),
      tensor(
        [
          [0.5, -1, 2],
          [1.5, 0.25, -0.5],
        ],
        { dtype: 'float64' },
      ),
      [
        tensor(
          [
            [1, -1],
            [0.5, 0],
          ],
          { dtype: 'float64' },
        ),
        tensor(
          [
            [0, 2],
            [-1, 1],
          ],
          { dtype: 'float64' },
        ),
      ],
      { loss: [mse, mae], optimizer: sgd({ learningRate: 1 }), epochs: 1, batchSize: 2 },
    );
    expectClose(history.loss, [2.832194410488847], { atol: 1e-12 });
    expectClose(
      d.kernel,
      [
        [0.0005404933606729251, 0.16897070528825509],
        [-0.10214104910419014, 0.8612133816103189],
        [0.30428209820838026, -0.3224267632206378],
      ],
      { atol: 1e-12 },
    );
    expectClose(d.bias!, [0.2209641020338654, -0.1], { atol: 1e-12 });
  });

  // The autograd path (valueAndGrad of the summed losses) against fit's step.
  for (const dtype of ['float32', 'float64'] as const) {
    it(`gives the gradients of the autograd path (${dtype})`, async () => {
      // Bit for bit on JS: a value with two gradient terms sums them in either order alike.
      await checkParity({
        name: `twice ${dtype}`,
        build: () => {
          const rng = createRng(5);
          const x = input([3], { dtype });
          const h = dense(3, 4, { activation: tanh, rng, dtype }).apply(x);
          return graph({ inputs: x, outputs: [h, h] });
        },
        x: data([8, 3], dtype),
        y: [data([8, 4], dtype, 1), data([8, 4], dtype, 2)],
        loss: [mse, mae],
      });
      // Also read by a later layer (a third output): three terms, which autograd adds in
      // the order of its graph walk and fit in output order, so equal to rounding.
      const build = (): Model => {
        const rng = createRng(6);
        const x = input([3], { dtype });
        const h = dense(3, 4, { activation: tanh, rng, dtype }).apply(x);
        return graph({ inputs: x, outputs: [h, dense(4, 2, { rng, dtype }).apply(h), h] });
      };
      const xs = [data([8, 3], dtype)];
      const ys = [data([8, 4], dtype, 1), data([8, 2], dtype, 3), data([8, 4], dtype, 2)];
      const losses = [mse, mse, mae];
      const a = autogradTrajectory(build(), xs, ys, losses, sgd({ learningRate: 0.1 }), 4, 7);
      const b = await fitTrajectory(build(), xs[0], ys, losses, sgd({ learningRate: 0.1 }), 4, 7);
      const tol = { atol: dtype === 'float32' ? 1e-6 : 1e-14 };
      expect(b.grads.length).toBe(2);
      b.grads.forEach((batch, k) => {
        expectClose([b.losses[k]!], [a.losses[k]!], tol);
        batch.forEach((g, i) => {
          expectClose(g, a.grads[k]![i]!, tol);
        });
      });
    });
  }
});

describe('a custom loss that gives the prediction no gradient', () => {
  const one = () => sequential([dense(1, 1, { kernel: [[1]], bias: [0] })]);

  it.each([
    [
      'a value computed from the target only',
      (_p: Tensor, t: Tensor) => mean(square(t)),
      'a value computed without it',
    ],
    ['an int32 result', (p: Tensor) => sum(argmax(p, { axis: 1 })), 'an int32 tensor'],
  ])('is refused at the first batch, before any update: %s', async (_name, loss, what) => {
    const model = one();
    await expect(
      fit(model, [[1], [2]], [[3], [4]], {
        loss: loss as unknown as Loss,
        optimizer: sgd({ learningRate: 0.1 }),
        epochs: 2,
      }),
    ).rejects.toThrow(
      `fit: at epoch 1, batch 1 (counting from 1): the loss gives the prediction no gradient (it returned ${what})`,
    );
    expect(weightsOf(model)).toEqual([[1], [0]]);
  });

  it('names the output on a model of several', async () => {
    const x = input([1]);
    const model = graph({ inputs: x, outputs: [dense(1, 1).apply(x), dense(1, 1).apply(x)] });
    const constant = ((_p: Tensor, t: Tensor) => mean(t)) as unknown as Loss;
    await expect(
      fit(model, [[1]], [[[1]], [[2]]], { loss: [mse, constant], optimizer: sgd() }),
    ).rejects.toThrow('loss[1] gives the prediction no gradient');
  });
});

// Two heads on a shared float64 layer, the weights below (numpy rng 7, rounded to 2 digits).
const X = [
  [0.0, 0.3, -0.27],
  [-0.89, -0.45, -0.99],
  [0.06, 1.34, -0.49],
  [-0.62, 0.49, 0.36],
  [0.11, -0.93, -0.03],
];
const Yr = [
  [0.7, -1.34],
  [-0.46, -1.9],
  [-1.29, -1.84],
  [-0.24, -1.27],
  [0.27, 0.16],
];
const Yr64 = tensor(Yr, { dtype: 'float64' });
const yc = [0, 2, 1, 2, 0];
const swReg = [1, 2, 0.5, 0, 1.5];
const swCls = [0.5, 1, 1, 2, 1];

function twoHeads(): Model {
  const x = input([3], { dtype: 'float64' });
  const dtype = 'float64';
  const h = dense(3, 4, {
    activation: tanh,
    dtype,
    kernel: [
      [-0.19, -2.52, -0.54, -0.05],
      [0.11, -1.53, -0.48, -0.98],
      [-0.81, 1.06, -0.81, -0.03],
    ],
    bias: [0.88, -0.58, -0.11, 0.11],
  }).apply(x);
  const reg = dense(4, 2, {
    dtype,
    name: 'reg',
    kernel: [
      [0.06, -1.23],
      [0.08, 1.36],
      [-1.55, 0.86],
      [0.12, -0.64],
    ],
    bias: [2.0, 0.76],
  });
  const cls = dense(4, 3, {
    dtype,
    name: 'cls',
    kernel: [
      [-1.2, 0.07, 0.58],
      [-0.19, 0.68, -0.07],
      [0.67, 1.44, -0.68],
      [0.2, -0.46, 0.13],
    ],
    bias: [-1.19, -0.58, -0.2],
  });
  return graph({ inputs: x, outputs: [reg.apply(h), cls.apply(h)] });
}

describe('loss weights and per-output sample weights (PyTorch float64)', () => {
  // h = tanh(X @ W1 + b1); pr = h @ W2 + b2; pc = h @ W3 + b3
  // l_reg = (((pr - Yr) ** 2).mean(1) * swReg).mean()
  // l_cls = (F.cross_entropy(pc, yc, reduction='none') * swCls).mean()
  // total = 1 * l_reg + 0.5 * l_cls
  const options = {
    loss: [mse, crossEntropy],
    lossWeights: [1, 0.5],
    sampleWeight: [swReg, swCls],
    batchSize: 5,
    shuffle: false,
  };

  it('gives the losses and gradients of the weighted sum', async () => {
    const model = twoHeads();
    const before = weightsOf(model);
    // SGD with learning rate 1: each weight moves by minus its gradient.
    const h = await fit(model, X, [Yr, yc], { ...options, optimizer: sgd({ learningRate: 1 }) });
    expectClose(h.loss, [4.251640589898938], { atol: 1e-12 });
    expect(Object.keys(h.metrics)).toEqual(['reg_loss', 'cls_loss']);
    expectClose(h.metrics.reg_loss!, [3.416178728622807], { atol: 1e-12 });
    expectClose(h.metrics.cls_loss!, [1.6709237225522624], { atol: 1e-12 });
    // [p.grad.flatten().tolist() for p in (W1, b1, W2, b2, W3, b3)] of total.backward()
    const grads = [
      [
        0.1636691539885886, -0.4097494547512464, -0.26916751573147146, 0.4941974817367499,
        0.02467414032706996, -0.3040116052052621, -0.39955339592815853, 0.2688907302615841,
        0.13417913311404966, -0.44383670140757564, 0.4013345455658388, 0.4988285995920745,
      ],
      [-0.10173753351133107, 0.621261995846741, -1.446284135075843, -0.5286173895637152],
      [
        1.315059290409652, 1.2395725093111625, 0.05411601491063261, 1.0550028639623692,
        0.4327497094478927, 1.0906582725523934, 0.26222651919206164, 0.7020607190758629,
      ],
      [1.5840944327256046, 1.3318177068259753],
      [
        -0.08385396626118678, 0.06876284387473033, 0.015091122386456456, 0.0004742358584099565,
        0.19886296906536882, -0.1993372049237788, -0.025607644628704608, 0.09267111412649055,
        -0.06706346949778592, -0.06637316458923419, 0.12389788553438005, -0.0575247209451459,
      ],
      [-0.12028210355402819, 0.10155481177465009, 0.01872729177937814],
    ];
    weightsOf(model).forEach((w, i) => {
      expectClose(
        w.map((v, j) => before[i]![j]! - v),
        grads[i]!,
        { atol: 1e-12 },
      );
    });
  });

  it('trains as torch.optim.Adam does (3 steps)', async () => {
    const model = twoHeads();
    const h = await fit(model, X, [Yr, yc], {
      ...options,
      optimizer: adam({ learningRate: 0.1 }),
      epochs: 3,
    });
    // [l_reg, l_cls, total] before each of the 3 Adam(lr=0.1) steps
    expectClose(h.metrics.reg_loss!, [3.416178728622807, 2.1150922707358437, 1.2093448490804226], {
      atol: 1e-12,
    });
    expectClose(h.metrics.cls_loss!, [1.6709237225522624, 1.3263682861523478, 1.0394377045084369], {
      atol: 1e-12,
    });
    expectClose(h.loss, [4.251640589898938, 2.7782764138120175, 1.729063701334641], {
      atol: 1e-12,
    });
    const after = [
      [
        -0.4763702147249923, -2.2197264465590534, -0.24240981938693584, -0.3370260476319713,
        0.14587740941094166, -1.2765961322396744, -0.19299101161823665, -1.240401955787453,
        -1.0811132727153676, 1.360311460958602, -1.1087884440607851, -0.3127362792599207,
      ],
      [0.9769731957495746, -0.8692302706949423, 0.18867866943972708, 0.39497148755750644],
      [
        -0.23357440779012215, -1.5177040032671367, 0.09855939986802309, 1.0785868444652824,
        -1.8481213377044605, 0.5690922808223975, -0.17562315463150102, -0.928346187648495,
      ],
      [1.7074153565097767, 0.47600767495657187],
      [
        -0.9030854230198151, -0.22924352405217185, 0.32278104787750206, -0.45139820002137443,
        0.3874900983666726, 0.22556747139153605, 0.9695146576234545, 1.1561553958742001,
        -0.4159622346548296, 0.5003419910410667, -0.758065786125215, 0.4176612148002513,
      ],
      [-0.8937673999640079, -0.8781633896574756, -0.46504793161980973],
    ];
    weightsOf(model).forEach((w, i) => {
      expectClose(w, after[i]!, { atol: 1e-12 });
    });
  });

  it('evaluate weighs the same way', () => {
    const r = evaluate(twoHeads(), X, [Yr, yc], {
      loss: [mse, crossEntropy],
      lossWeights: [1, 0.5],
      sampleWeight: [swReg, swCls],
    });
    expectClose([r.loss], [4.251640589898938], { atol: 1e-12 });
    expectClose(
      [r.metrics.reg_loss!, r.metrics.cls_loss!],
      [3.416178728622807, 1.6709237225522624],
      {
        atol: 1e-12,
      },
    );
  });

  it('one sampleWeight array weighs every output, as before', () => {
    const w = [1, 2, 0.5, 0, 1.5];
    const a = evaluate(twoHeads(), X, [Yr, yc], { loss: [mse, crossEntropy], sampleWeight: w });
    const b = evaluate(twoHeads(), X, [Yr, yc], {
      loss: [mse, crossEntropy],
      sampleWeight: [w, w],
    });
    expect(a).toEqual(b);
  });

  it.each([
    [
      { lossWeights: [1] },
      'fit: lossWeights must be an array of 2 finite numbers >= 0, one per model output, got [1]',
    ],
    [{ lossWeights: [1, -1] }, 'fit: lossWeights must be an array of 2 finite numbers >= 0'],
    [{ lossWeights: [1, NaN] }, 'fit: lossWeights must be an array of 2 finite numbers >= 0'],
    [{ lossWeights: 2 }, 'fit: lossWeights must be an array of 2 finite numbers >= 0'],
    [
      { sampleWeight: [swReg, swCls, swCls] },
      'fit: sampleWeight must be one array of weights per model output (2)',
    ],
    [{ sampleWeight: [swReg, [1, 2]] }, 'fit: sampleWeight[1]'],
  ])('rejects %j', async (extra, message) => {
    const model = twoHeads();
    await expect(
      fit(model, X, [Yr, yc], { loss: [mse, crossEntropy], optimizer: sgd(), ...extra } as never),
    ).rejects.toThrow(message);
  });
});

describe('metrics and losses per output', () => {
  const cls3 = yc.map((c) => (c + 1) % 3); // other labels for the validation data

  it("reports each output's loss and metrics under Keras's keys, validation too", async () => {
    const model = twoHeads();
    const h = await fit(model, X, [Yr, yc], {
      loss: [mse, crossEntropy],
      optimizer: sgd({ learningRate: 0 }), // the weights stay: every epoch sees the same model
      epochs: 2,
      batchSize: 2,
      metrics: [[meanAbsoluteErrorMetric], [accuracy]],
      validationData: [X, [Yr, cls3]],
    });
    const keys = ['reg_loss', 'cls_loss', 'reg_meanAbsoluteError', 'cls_accuracy'];
    expect(Object.keys(h.metrics)).toEqual(keys);
    expect(Object.keys(h.valMetrics!)).toEqual(keys);
    const [pr, pc] = predict(twoHeads() as Model<unknown, [Tensor, Tensor]>, X);
    const reg = mse(pr, Yr64).item();
    const cls = crossEntropy(pc, tensor(yc)).item();
    // Each output's loss, the total unchanged: their sum (lossWeights default to 1).
    expectClose(h.metrics.reg_loss!, [reg, reg], { atol: 1e-12 });
    expectClose(h.metrics.cls_loss!, [cls, cls], { atol: 1e-12 });
    expectClose(h.loss, [reg + cls, reg + cls], { atol: 1e-12 });
    // Metrics on their own outputs, not the first.
    const maeValue = meanAbsoluteErrorMetric.compute(pr, Yr64);
    expectClose(h.metrics.reg_meanAbsoluteError!, [maeValue, maeValue], { atol: 1e-12 });
    expect(h.metrics.cls_accuracy).toEqual([
      accuracy.compute(pc, tensor(yc)),
      accuracy.compute(pc, tensor(yc)),
    ]);
    expect(h.valMetrics!.cls_accuracy![0]).toBe(accuracy.compute(pc, tensor(cls3)));
    expectClose(h.valMetrics!.reg_loss!, [reg, reg], { atol: 1e-12 });
    // evaluate reports the same keys (no validation counterpart there).
    const e = evaluate(model, X, [Yr, yc], {
      loss: [mse, crossEntropy],
      metrics: [[meanAbsoluteErrorMetric], [accuracy]],
    });
    expect(Object.keys(e.metrics)).toEqual(keys);
    expectClose([e.loss, e.metrics.reg_loss!], [reg + cls, reg], { atol: 1e-12 });
  });

  it('refuses one flat list of metrics on a model of several outputs, showing the per-output form', async () => {
    const message =
      'metrics must be one array per model output (reg, cls), [] for none: [[accuracy], []], got [{name: "accuracy", ';
    await expect(
      fit(twoHeads(), X, [Yr, yc], {
        loss: [mse, crossEntropy],
        optimizer: sgd(),
        metrics: [accuracy],
      }),
    ).rejects.toThrow(`fit: ${message}`);
    expect(() =>
      evaluate(twoHeads(), X, [Yr, yc], { loss: [mse, crossEntropy], metrics: [accuracy] }),
    ).toThrow(`evaluate: ${message}`);
    await expect(
      fit(twoHeads(), X, [Yr, yc], {
        loss: [mse, crossEntropy],
        optimizer: sgd(),
        metrics: [[accuracy]],
      }),
    ).rejects.toThrow(
      'fit: metrics must be one array per model output (reg, cls), [] for none: [[], []], got [[{',
    );
    await expect(
      fit(twoHeads(), X, [Yr, yc], {
        loss: [mse, crossEntropy],
        optimizer: sgd(),
        metrics: [[], [accuracy, 3 as never]],
      }),
    ).rejects.toThrow('fit: metrics[1]: metrics[1] must be a metric');
  });

  it('keeps the keys of a model of one output, and takes its metrics in either form', async () => {
    const run = (metrics: Metric[] | Metric[][]) =>
      fit(sequential([dense(1, 2, { rng: createRng(1) })]), [[1], [2]], [0, 1], {
        loss: crossEntropy,
        optimizer: sgd(),
        metrics,
        validationData: [[[1]], [0]],
        rng: createRng(2),
      });
    const flat = await run([accuracy]);
    expect(Object.keys(flat.metrics)).toEqual(['accuracy']);
    expect(Object.keys(flat.valMetrics!)).toEqual(['accuracy']);
    expect(await run([[accuracy]])).toEqual(flat);
  });

  it('names an output by its layer, made unique when one value is two outputs', () => {
    const x = input([1]);
    const h = dense(1, 1, { kernel: [[1]], bias: [0], name: 'head' }).apply(x);
    const model = graph({ inputs: x, outputs: [h, h] });
    const r = evaluate(model, [[1]], [[[3]], [[0]]], {
      loss: [mse, mse],
      metrics: [[], [meanAbsoluteErrorMetric]],
    });
    expect(r).toEqual({
      loss: 5,
      metrics: { head_loss: 4, head_1_loss: 1, head_1_meanAbsoluteError: 1 },
    });
  });

  it('monitors take the per-output keys, validation ones as valName', async () => {
    const logs = {
      loss: 1,
      regularization: 0,
      learningRate: 0.1,
      metrics: { reg_loss: 0.25, cls_accuracy: 0.5 },
      valLoss: 2,
      valMetrics: { reg_loss: 0.75, cls_accuracy: 0.4 },
    };
    expect(monitorValue(logs, 'reg_loss')).toBe(0.25);
    expect(monitorValue(logs, 'valReg_loss')).toBe(0.75);
    expect(monitorValue(logs, 'valCls_accuracy')).toBe(0.4);
    // 'auto' mode: an output's loss is minimized even when its name reads like a score
    expect(autoMode('valAccuracy_head_loss')).toBe('min');
    expect(autoMode('valCls_accuracy')).toBe('max');
    // Keras's spelling is pointed to myelin's.
    const stopper = earlyStopping({ monitor: 'val_reg_loss' });
    await expect(
      fit(twoHeads(), X, [Yr, yc], {
        loss: [mse, crossEntropy],
        optimizer: sgd(),
        validationData: [X, [Yr, yc]],
        callbacks: [stopper],
      }),
    ).rejects.toThrow('did you mean "valReg_loss"?');
    // and the per-output keys drive the callbacks
    const h = await fit(twoHeads(), X, [Yr, yc], {
      loss: [mse, crossEntropy],
      optimizer: sgd({ learningRate: 0 }),
      epochs: 5,
      validationData: [X, [Yr, yc]],
      callbacks: [earlyStopping({ monitor: 'valReg_loss', patience: 1 })],
    });
    expect(h.epoch).toEqual([0, 1]); // no improvement after the first epoch
  });
});

describe('custom metric values', () => {
  const model = () => sequential([dense(1, 1, { kernel: [[2]], bias: [0] })]);
  const x = [[1], [2]];
  const y = [[2], [5]];

  it.each([
    ['a string', () => 'x', '"x"'],
    ['undefined', () => undefined, 'undefined'],
    ['a tensor of two elements', () => tensor([1, 2]), 'a float32 Tensor of shape [2]'],
  ])('refuses %s, naming the metric', async (_name, compute, shown) => {
    const bad = { name: 'bad', compute } as unknown as Metric;
    const message = `metric "bad" returned ${shown}; expected a number or a one-element Tensor`;
    await expect(
      fit(model(), x, y, { loss: mse, optimizer: sgd(), metrics: [bad] }),
    ).rejects.toThrow(`fit: ${message}`);
    expect(() => evaluate(model(), x, y, { loss: mse, metrics: [bad] })).toThrow(
      `evaluate: ${message}`,
    );
  });

  it('takes a one-element tensor (a loss used as a metric) as its value', async () => {
    const asMetric = { name: 'mse', compute: (p: Tensor, t: Tensor) => mse(p, t) };
    // predictions 2, 4 against 2, 5: mse = 1 / 2
    expect(evaluate(model(), x, y, { loss: mae, metrics: [asMetric as never] })).toEqual({
      loss: 0.5,
      metrics: { mse: 0.5 },
    });
    const h = await fit(model(), x, y, {
      loss: mae,
      optimizer: sgd({ learningRate: 0 }),
      metrics: [asMetric as never],
      validationData: [x, y],
    });
    expect(h.metrics.mse).toEqual([0.5]);
    expect(h.valMetrics!.mse).toEqual([0.5]);
  });
});

describe('target errors on a model of several outputs', () => {
  const bad = [0, 2, 1, 3, 0];
  const label =
    'crossEntropy: the label of row 3 is 3; class labels must be integers in [0, 3) for 3 outputs';

  it('name the target and the function', async () => {
    await expect(
      fit(twoHeads(), X, [Yr, bad], { loss: [mse, crossEntropy], optimizer: sgd() }),
    ).rejects.toThrow(`fit: y[1]: ${label}`);
    await expect(
      fit(twoHeads(), X, [Yr, yc], {
        loss: [mse, crossEntropy],
        optimizer: sgd(),
        validationData: [X, [Yr, bad]],
      }),
    ).rejects.toThrow(`fit: validationData[1][1]: ${label}`);
    expect(() => evaluate(twoHeads(), X, [Yr, bad], { loss: [mse, crossEntropy] })).toThrow(
      `evaluate: y[1]: ${label}`,
    );
  });
});
