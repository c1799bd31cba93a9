import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/_lib/errors.js';
import { sigmoid } from '../../src/activations/sigmoid.js';
import { tanh } from '../../src/activations/tanh.js';
import { defineActivation } from '../../src/activations/define.js';
import { record } from '../../src/autograd/graph.js';
import { batchNorm } from '../../src/layers/batch-norm.js';
import { dense } from '../../src/layers/dense.js';
import { dropout } from '../../src/layers/dropout.js';
import type { Layer } from '../../src/layers/layer.js';
import { lstm } from '../../src/layers/lstm.js';
import { predict } from '../../src/models/predict.js';
import { sequential } from '../../src/models/sequential.js';
import { mul } from '../../src/ops/mul.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { AssertionError, checkGradients, gradcheck } from '../../src/testing/index.js';

/** x² with a correct (factor 2) or deliberately wrong backward rule. */
const squareWith =
  (factor: number) =>
  (x: Tensor): Tensor => {
    const out = new Float64Array(x.size);
    for (let i = 0; i < x.size; i++) out[i] = x.data[i]! * x.data[i]!;
    return record('square', new Tensor(out, x.shape), [x], (g) => {
      const d = new Float64Array(x.size);
      for (let i = 0; i < x.size; i++) d[i] = g.data[i]! * factor * x.data[i]!;
      return [new Tensor(d, x.shape)];
    });
  };

/**
 * A custom layer written outside src/: y = x ⊙ w per row, with w [width]. Its
 * backward for w is scaled by `wFactor` (1 is right: ∂y/∂w = Σ_rows g ⊙ x).
 */
function scaleLayer(width: number, wFactor = 1): Layer<'scale'> & { w: Tensor } {
  const w = new Tensor(
    Float64Array.from({ length: width }, (_, i) => 0.5 + i),
    [width],
    true,
  );
  return {
    kind: 'scale',
    config: {},
    params: { w },
    w,
    trainable: true,
    inputShape: [width],
    outputShape: (s) => [...s],
    forward(x: Tensor): Tensor {
      const rows = x.shape[0]!;
      const out = new Float64Array(x.size);
      for (let r = 0; r < rows; r++)
        for (let j = 0; j < width; j++) out[r * width + j] = x.data[r * width + j]! * w.data[j]!;
      return record('scale', new Tensor(out, x.shape), [x, w], (g) => {
        const dx = new Float64Array(x.size);
        const dw = new Float64Array(width);
        for (let r = 0; r < rows; r++) {
          for (let j = 0; j < width; j++) {
            dx[r * width + j] = g.data[r * width + j]! * w.data[j]!;
            dw[j]! += wFactor * g.data[r * width + j]! * x.data[r * width + j]!;
          }
        }
        return [new Tensor(dx, x.shape), new Tensor(dw, w.shape)];
      });
    },
  };
}

function assertionOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(AssertionError);
    return (e as Error).message;
  }
  throw new Error('expected an AssertionError');
}

describe('checkGradients: functions', () => {
  it('passes a correct custom op and a composed activation, from float32 or nested inputs', () => {
    const r = checkGradients(squareWith(2), [tensor([0.3, -1.2, 2])]);
    expect(r.passed).toBe(true);
    expect(r.checked).toBe(3);
    expect(r.maxAbsError).toBeLessThan(1e-6);
    expect(r.worst!.tensor).toBe('inputs[0]');
    expect(r.message).toMatch(
      /^checkGradients: all 3 gradient elements agree with central differences \(atol 1e-5, rtol 0\.001, eps 1e-6\); closest to failing: inputs\[0\]\[\d\]/,
    );
    const swish = defineActivation('mySwish', (x: Tensor) => mul(x, sigmoid(x)));
    expect(
      checkGradients(swish, [
        [
          [-2, -0.5],
          [0.3, 4],
        ],
      ]).passed,
    ).toBe(true);
  });

  it('fails a wrong backward rule, naming the worst entry by tensor and multi-index', () => {
    // Wrong factor 2.1: error = 0.1·|x|·w, relative to the tolerance the
    // largest at the largest |x| = 2, which sits at [1,0].
    const x = [
      [0.3, -1.2],
      [2, 0.5],
    ];
    const r = checkGradients(squareWith(2.1), [x], { throwOnFailure: false });
    expect(r.passed).toBe(false);
    expect(r.worst!.tensor).toBe('inputs[0]');
    expect(r.worst!.index).toEqual([1, 0]);
    expect(r.worst!.analytic / r.worst!.numeric).toBeCloseTo(1.05, 6);
    expect(r.worst!.error).toBeCloseTo(Math.abs(r.worst!.analytic - r.worst!.numeric), 15);
    expect(r.worst!.allowed).toBeCloseTo(1e-5 + 1e-3 * Math.abs(r.worst!.numeric), 15);
    const message = assertionOf(() => checkGradients(squareWith(2.1), [x]));
    expect(message).toMatch(
      /^checkGradients: gradients disagree with central differences \(atol 1e-5, rtol 0\.001, eps 1e-6\); worst of 4 elements at inputs\[0\]\[1,0\]: analytic [\d.]+, numeric [\d.]+, \|diff\| [\d.e-]+ > allowed [\d.e-]+$/,
    );
  });

  it('names the input of a multi-input function whose rule forgets one', () => {
    const forgetful = (p: Tensor, q: Tensor): Tensor => {
      const out = new Float64Array(2);
      for (let i = 0; i < 2; i++) out[i] = p.data[i]! * q.data[i]!;
      return record('mulNoQ', new Tensor(out, [2]), [p, q], (g) => [mul(g, q), null]);
    };
    const r = checkGradients(forgetful, [[1, 2], tensor([3, 4])], { throwOnFailure: false });
    expect(r.passed).toBe(false);
    expect(r.worst!.tensor).toBe('inputs[1]');
    expect(r.worst!.analytic).toBe(0);
  });
});

describe('checkGradients: layers and models', () => {
  it('checks a float64 dense layer against its input and every parameter', () => {
    const layer = dense(3, 2, { activation: tanh, dtype: 'float64', rng: createRng(1) });
    const r = checkGradients(layer, [
      [0.7, -1.5, 0.2],
      [0.1, 0.4, -0.3],
    ]);
    expect(r.passed).toBe(true);
    // 6 input elements + 6 kernel + 2 bias
    expect(r.checked).toBe(14);
    expect(['x', 'kernel', 'bias']).toContain(r.worst!.tensor);
  });

  it("finds a custom layer's wrong parameter gradient, and restores the parameters bit for bit", () => {
    const layer = scaleLayer(3, 1.5);
    const before = Float64Array.from(layer.w.data);
    const x = [
      [1, -2, 0.5],
      [0.25, 3, -1],
    ];
    const r = checkGradients(layer, x, { throwOnFailure: false });
    expect(r.passed).toBe(false);
    expect(r.worst!.tensor).toBe('w');
    expect(r.worst!.analytic / r.worst!.numeric).toBeCloseTo(1.5, 6);
    expect(Array.from(layer.w.data)).toEqual(Array.from(before));
    expect(layer.w.grad).toBeNull();
    // The same layer with the right rule passes.
    expect(checkGradients(scaleLayer(3), x).passed).toBe(true);
  });

  it('checks a sequential model by parameter name', () => {
    const rng = createRng(2);
    const model = sequential([
      dense(2, 3, { activation: tanh, dtype: 'float64', rng }),
      scaleLayer(3, 0.5),
    ]);
    const r = checkGradients(model, [[0.3, -0.7]], { throwOnFailure: false });
    expect(r.passed).toBe(false);
    expect(r.worst!.tensor).toBe('layers.1.w');
    expect(r.checked).toBe(2 + 6 + 3 + 3);
  });

  it('runs forward in training mode with one fixed random stream when asked (dropout)', () => {
    const model = sequential([
      dense(4, 4, { activation: tanh, dtype: 'float64', rng: createRng(3) }),
      dropout(0.5),
    ]);
    const x = [[0.5, -0.25, 1, 0.75]];
    expect(checkGradients(model, x, { training: true, seed: 5 }).passed).toBe(true);
  });

  it('demands float64 parameters, saying how to build the layer', () => {
    expect(() => checkGradients(dense(2, 1), [[1, 2]])).toThrow(
      new ValueError(
        `checkGradients: parameter "kernel" must be a float64 tensor (gradients are checked in float64: build the layer with dtype: 'float64'), got "float32"`,
      ),
    );
  });
});

describe('checkGradients: bad arguments', () => {
  it('rejects bad options and subjects with a clear message', () => {
    const f = squareWith(2);
    expect(() => checkGradients(f, [[1]], { eps: 0 })).toThrow(
      'checkGradients: eps must be a finite number > 0, got 0',
    );
    expect(() => checkGradients(f, [[1]], { atol: -1 })).toThrow(
      'checkGradients: atol must be a finite number >= 0, got -1',
    );
    expect(() => checkGradients(f, [[1]], { rtol: NaN })).toThrow(
      'checkGradients: rtol must be a finite number >= 0, got NaN',
    );
    expect(() => checkGradients(f, [[1]], { tolerance: 1 } as never)).toThrow(
      'checkGradients: unknown option "tolerance" in options',
    );
    expect(() => checkGradients(f, tensor([1]) as never)).toThrow(
      'checkGradients: inputs must be an array of inputs, one per argument of the function, got a float32 Tensor of shape [1]',
    );
    expect(() => checkGradients(f, [['a']] as never)).toThrow(
      'checkGradients: inputs[0][0] must be a number, got "a"',
    );
    expect(() => checkGradients(dense(2, 1, { dtype: 'float64' }), 'x' as never)).toThrow(
      'checkGradients: x must be a Tensor, nested arrays of numbers or a numeric typed array, got "x"',
    );
    expect(() => checkGradients(42 as never, [[1]])).toThrow(
      'checkGradients: subject must be a function of tensors, a layer or a model, got 42',
    );
  });
});

describe('gradcheck (re-exported) with parameters', () => {
  it('perturbs a parameter in place so a closure over it is checked, then restores it', () => {
    const w = tensor([0.5, -1, 2], { dtype: 'float64', requiresGrad: true });
    const closure = () => squareWith(2)(w);
    const r = gradcheck(closure, [w]);
    expect(r.passed).toBe(true);
    expect(Array.from(w.data)).toEqual([0.5, -1, 2]);
    const wrong = gradcheck(() => squareWith(3)(w), [w], { throwOnFailure: false });
    expect(wrong.passed).toBe(false);
    expect(Array.from(w.data)).toEqual([0.5, -1, 2]);
  });

  it('restores a parameter even when the function throws midway', () => {
    const w = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    let calls = 0;
    const flaky = (): Tensor => {
      if (++calls > 1) throw new Error('boom');
      return squareWith(2)(w);
    };
    expect(() => gradcheck(flaky, [w])).toThrow('boom');
    expect(Array.from(w.data)).toEqual([1, 2]);
  });
});

describe('checkGradients leaves layer state as it found it', () => {
  const x = [
    [0.3, -1.2, 0.5],
    [2, 0.5, -0.7],
    [0.1, 0.2, 0.3],
  ];

  it('training: true does not move batch normalization running statistics (or predict)', () => {
    const rng = createRng(1);
    const bn = batchNorm(4, { dtype: 'float64' });
    const m = sequential([
      dense(3, 4, { dtype: 'float64', rng }),
      bn,
      dense(4, 2, { dtype: 'float64', rng }),
    ]);
    const mean0 = Array.from(bn.state.movingMean.data);
    const var0 = Array.from(bn.state.movingVariance.data);
    const p0 = Array.from(predict(m, x).data);
    expect(checkGradients(m, x, { training: true }).passed).toBe(true);
    expect(Array.from(bn.state.movingMean.data)).toEqual(mean0);
    expect(Array.from(bn.state.movingVariance.data)).toEqual(var0);
    expect(Array.from(predict(m, x).data)).toEqual(p0);
  });

  it('checks a stateful lstm from the state it carries, every evaluation, and keeps that state', () => {
    const rng = createRng(1);
    const st = lstm(2, 3, { stateful: true, batchSize: 2, dtype: 'float64', rng });
    const xs = [
      [
        [0.1, 0.2],
        [0.3, -0.1],
      ],
      [
        [-0.5, 0.4],
        [0.2, 0.2],
      ],
    ];
    // A non-zero carried state, from one earlier call.
    st.forward(tensor(xs, { dtype: 'float64' }), { training: false, rng: createRng(0) });
    const saved = Object.fromEntries(
      Object.entries(st.state).map(([k, t]) => [k, Array.from(t.data)]),
    );
    expect(saved.h!.some((v) => v !== 0)).toBe(true);
    const r = checkGradients(st, xs, { throwOnFailure: false });
    expect(r.message).toContain('agree');
    expect(r.passed).toBe(true);
    expect(r.maxAbsError).toBeLessThan(1e-6);
    for (const [k, t] of Object.entries(st.state)) expect(Array.from(t.data)).toEqual(saved[k]);
  });

  it('puts the state back when forward throws midway', () => {
    const s = new Tensor(Float64Array.from([1, 2]), [2]);
    let calls = 0;
    const counter: Layer<'counter'> = {
      kind: 'counter',
      config: {},
      params: {},
      state: { s },
      trainable: true,
      inputShape: null,
      outputShape: (sh) => [...sh],
      forward(x: Tensor): Tensor {
        if (++calls > 3) throw new Error('boom');
        s.data[0] = s.data[0]! + 10; // forward moves the state, as running statistics do
        return mul(x, x);
      },
    };
    expect(() => checkGradients(counter, [[1, 2]])).toThrow('boom');
    expect(Array.from(s.data)).toEqual([1, 2]);
  });
});
