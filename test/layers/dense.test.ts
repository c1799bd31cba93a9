import { describe, it, expect } from 'vitest';
import { dense } from '../../src/layers/dense.js';
import { relu } from '../../src/activations/relu.js';
import { sigmoid } from '../../src/activations/sigmoid.js';
import { tanh } from '../../src/activations/tanh.js';
import { softmax } from '../../src/activations/softmax.js';
import { tensor } from '../../src/tensor/create.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { createRng } from '../../src/random/rng.js';
import { gradcheck, valueAndGrad } from '../../src/autograd/functional.js';
import { backward } from '../../src/autograd/backward.js';
import { noGrad } from '../../src/autograd/graph.js';
import { sum } from '../../src/ops/sum.js';
import { mul } from '../../src/ops/mul.js';
import { matmul } from '../../src/ops/matmul.js';
import { add } from '../../src/ops/add.js';
import { ShapeError, ValueError } from '../../src/_lib/errors.js';
import { constant, uniform } from '../../src/init/index.js';
import type { Regularizer } from '../../src/regularizers/regularizer.js';
import { expectClose } from '../helpers/expect-close.js';
import { expectNumericGrad } from './_numeric.js';

const infer = { training: false, rng: createRng(0) };

describe('dense forward', () => {
  it('computes x·W + b by hand', () => {
    // [1, 2]·[[1, -1], [0.5, 2]] + [0.1, 0.2] = [1 + 1 + 0.1, −1 + 4 + 0.2] = [2.1, 3.2]
    // [−1, 0]·W + b = [−1 + 0.1, 1 + 0.2] = [−0.9, 1.2]
    const layer = dense(2, 2, {
      kernel: [
        [1, -1],
        [0.5, 2],
      ],
      bias: [0.1, 0.2],
    });
    const y = layer.forward(
      tensor([
        [1, 2],
        [-1, 0],
      ]),
      infer,
    );
    expectClose(
      y,
      [
        [2.1, 3.2],
        [-0.9, 1.2],
      ],
      { atol: 1e-6 },
    );
    // relu (fused into the product) zeroes −0.9
    const r = dense(2, 2, {
      kernel: [
        [1, -1],
        [0.5, 2],
      ],
      bias: [0.1, 0.2],
      activation: relu,
    });
    expectClose(
      r.forward(
        tensor([
          [1, 2],
          [-1, 0],
        ]),
        infer,
      ),
      [
        [2.1, 3.2],
        [0, 1.2],
      ],
      { atol: 1e-6 },
    );
  });

  it("reproduces the article's 3-4-2 sigmoid network", () => {
    // Article weights are [out, in]; Keras kernels are their transposes.
    const W1 = [
      [0.5, -0.6, 0.1],
      [0.7, -0.8, 0.2],
      [-0.1, 0.9, -0.3],
      [0.3, 0.1, -0.4],
    ];
    const W2 = [
      [0.2, -0.1, 0.4, 0.6],
      [-0.3, 0.8, -0.5, 0.2],
    ];
    const T = (m: number[][]): number[][] => m[0]!.map((_, j) => m.map((row) => row[j]!));
    const l1 = dense(3, 4, { activation: sigmoid, kernel: T(W1), bias: [0.1, -0.2, 0.3, 0.4] });
    const l2 = dense(4, 2, { activation: sigmoid, kernel: T(W2), bias: [-0.1, 0.2] });
    const y = l2.forward(l1.forward(tensor([[0.7, -1.5, 0.2]]), infer), infer);
    expectClose(y, [[0.60530524, 0.65013656]], { atol: 1e-6 });
  });

  it('without bias computes x·W only and has no bias param', () => {
    const layer = dense(2, 1, { useBias: false, kernel: [[2], [3]] });
    expect(Object.keys(layer.params)).toEqual(['kernel']);
    expect(layer.bias).toBeNull();
    expectClose(layer.forward(tensor([[1, 1]]), infer), [[5]]);
  });

  it('applies any activation after the affine map', () => {
    const layer = dense(2, 2, {
      kernel: [
        [1, 0],
        [0, 1],
      ],
      bias: [0, 0],
      activation: softmax,
    });
    expectClose(layer.forward(tensor([[0, 0]]), infer), [[0.5, 0.5]]);
  });
});

describe('dense parameters and config', () => {
  it('draws glorotUniform kernels and zero biases by default, reproducibly', () => {
    const a = dense(30, 20, { rng: createRng(1) });
    const b = dense(30, 20, { rng: createRng(1) });
    expect(Array.from(a.kernel.data)).toEqual(Array.from(b.kernel.data));
    expect(a.kernel.shape).toEqual([30, 20]);
    expect(a.kernel.requiresGrad && a.bias!.requiresGrad).toBe(true);
    expect(Array.from(a.bias!.data).every((v) => v === 0)).toBe(true);
    const limit = Math.sqrt(6 / 50);
    expect(Array.from(a.kernel.data).every((v) => Math.abs(v) <= limit)).toBe(true);
    expect(a.params.kernel).toBe(a.kernel);
  });

  it('layers built without an rng differ (shared default stream)', () => {
    expect(Array.from(dense(3, 3).kernel.data)).not.toEqual(Array.from(dense(3, 3).kernel.data));
  });

  it('uses given initializers and dtype', () => {
    const layer = dense(2, 3, {
      kernelInitializer: constant(0.5),
      biasInitializer: uniform({ low: 1, high: 1 }),
      dtype: 'float64',
    });
    expect(layer.kernel.dtype).toBe('float64');
    expect(Array.from(layer.kernel.data)).toEqual([0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
    expect(Array.from(layer.bias!.data)).toEqual([1, 1, 1]);
  });

  it('copies given weights rather than aliasing them', () => {
    const k = tensor([[1], [2]]);
    const layer = dense(2, 1, { kernel: k });
    k.data[0] = 99;
    expect(layer.kernel.data[0]).toBe(1);
  });

  it('has a complete JSON-able config', () => {
    const reg: Regularizer = {
      kind: 'l2',
      config: { l2: 0.01 },
      penalty: (w: Tensor) => sum(mul(w, w)),
    };
    const layer = dense(3, 2, {
      activation: tanh,
      rng: createRng(0),
      kernelRegularizer: reg,
      name: 'hidden',
    });
    expect(JSON.parse(JSON.stringify(layer.config))).toEqual({
      inputs: 3,
      units: 2,
      activation: 'tanh',
      activationConfig: {},
      useBias: true,
      dtype: 'float32',
      kernelInitializer: { kind: 'glorotUniform', config: {} },
      biasInitializer: { kind: 'zeros', config: {} },
      kernelRegularizer: { kind: 'l2', config: { l2: 0.01 } },
      biasRegularizer: null,
      activityRegularizer: null,
      name: 'hidden',
    });
    expect(layer.regularizers).toEqual({ params: { kernel: reg } });
    expect(layer.kind).toBe('dense');
    expect(layer.trainable).toBe(true);
    expect(dense(3, 2, { trainable: false }).trainable).toBe(false);
    expect(dense(3, 2).regularizers).toBeUndefined();
    expect(softmaxConfig()).toEqual({ axis: 0 });
  });

  it('declares its shapes', () => {
    const layer = dense(3, 5);
    expect(layer.inputShape).toEqual([3]);
    expect(layer.outputShape([3])).toEqual([5]);
    expect(() => layer.outputShape([4])).toThrow(ShapeError);
  });
});

function softmaxConfig(): unknown {
  return dense(2, 2, { activation: softmax.with({ axis: 0 }) }).config.activationConfig;
}

describe('dense activity regularization', () => {
  it('adds the penalty of the output during training only', () => {
    const penalties: Tensor[] = [];
    const reg: Regularizer = { kind: 'l1', config: { l1: 1 }, penalty: (w: Tensor) => sum(w) };
    const layer = dense(1, 1, { kernel: [[2]], bias: [1], activityRegularizer: reg });
    layer.forward(tensor([[1]]), {
      training: true,
      rng: createRng(0),
      addLoss: (p) => penalties.push(p),
    });
    layer.forward(tensor([[1]]), {
      training: false,
      rng: createRng(0),
      addLoss: (p) => penalties.push(p),
    });
    expect(penalties.length).toBe(1);
    expect(penalties[0]!.item()).toBe(3); // output 2·1 + 1
  });
});

describe('dense gradients (float64)', () => {
  const x = tensor(
    [
      [0.3, -1.2, 0.8],
      [1.5, 0.1, -0.4],
    ],
    { dtype: 'float64' },
  );
  for (const [name, act] of [
    ['identity', undefined],
    ['relu', relu],
    ['sigmoid', sigmoid],
    ['tanh', tanh],
  ] as const) {
    it(`matches central differences wrt input, kernel and bias (${name})`, () => {
      const layer = dense(3, 4, {
        dtype: 'float64',
        rng: createRng(9),
        biasInitializer: uniform({ low: -0.5, high: 0.5 }),
        ...(act ? { activation: act } : {}),
      });
      // wrt the input, through gradcheck
      expect(gradcheck((a: Tensor) => layer.forward(a, infer), [x]).passed).toBe(true);
      // wrt the layer's own parameters (valueAndGrad passes parameter leaves through)
      const w = tensor(
        [
          [1, -2, 0.5, 3],
          [0.7, 0.2, -1, 1],
        ],
        { dtype: 'float64' },
      ); // fixed output weights
      const f = (): Tensor => sum(mul(layer.forward(x, infer), w));
      const { grads } = valueAndGrad<Tensor[]>(() => f())(layer.kernel, layer.bias!);
      const value = (): number => noGrad(() => f().item());
      expectNumericGrad(value, layer.kernel, grads[0]!);
      expectNumericGrad(value, layer.bias!, grads[1]!);
    });
  }

  it('gives the same gradients as matmul + add + relu composed from ops', () => {
    const layer = dense(3, 4, {
      dtype: 'float64',
      rng: createRng(2),
      activation: relu,
      biasInitializer: uniform({ low: -0.5, high: 0.5 }),
    });
    const xs = tensor(x, { requiresGrad: true });
    backward(sum(layer.forward(xs, infer)));
    const k2 = tensor(layer.kernel, { requiresGrad: true });
    const b2 = tensor(layer.bias!, { requiresGrad: true });
    const x2 = tensor(x, { requiresGrad: true });
    backward(sum(relu(add(matmul(x2, k2), b2))));
    expectClose(layer.kernel.grad!, k2.grad!, { atol: 1e-12 });
    expectClose(layer.bias!.grad!, b2.grad!, { atol: 1e-12 });
    expectClose(xs.grad!, x2.grad!, { atol: 1e-12 });
  });

  it('casts a float64 input for a float32 layer and back-propagates in the input dtype', () => {
    const layer = dense(3, 2, { rng: createRng(0) });
    const xs = tensor(x, { requiresGrad: true });
    const y = layer.forward(xs, infer);
    expect(y.dtype).toBe('float32');
    backward(sum(y));
    expect(xs.grad!.dtype).toBe('float64');
  });
});

describe('dense validation', () => {
  it('rejects bad sizes and options', () => {
    expect(() => dense(0, 2)).toThrow('dense: inputs must be a positive integer, got 0');
    expect(() => dense(2, 1.5)).toThrow('dense: units must be a positive integer, got 1.5');
    expect(() => dense(2, 2, { activation: 'relu' as never })).toThrow(
      /dense: activation must be an activation function/,
    );
    expect(() => dense(2, 2, { useBias: 1 as never })).toThrow(
      'dense: useBias must be a boolean, got 1',
    );
    expect(() => dense(2, 2, { dtype: 'int8' as never })).toThrow(
      'dense: dtype must be "float32" or "float64", got "int8"',
    );
    expect(() => dense(2, 2, { unit: 3 } as never)).toThrow(/dense: unknown option "unit"/);
    expect(() => dense(2, 2, { kernelInitializer: {} as never })).toThrow(
      /dense: kernelInitializer must be an initializer/,
    );
    expect(() => dense(2, 2, { kernelRegularizer: 0.01 as never })).toThrow(
      /dense: kernelRegularizer must be a regularizer/,
    );
    expect(() => dense(2, 2, { useBias: false, bias: [1, 2] })).toThrow(ValueError);
  });

  it('shape-checks given weights', () => {
    expect(() =>
      dense(3, 2, {
        kernel: [
          [1, 2, 3],
          [4, 5, 6],
        ],
      }),
    ).toThrow(
      new ShapeError(
        'dense: kernel must have shape [3,2], got [2,3] (a PyTorch weight? pass its transpose [in, out]; recurrent ones convert with lstmFromPyTorch, gruFromPyTorch or simpleRnnFromPyTorch)',
      ),
    );
    expect(() => dense(3, 2, { bias: [1, 2, 3] })).toThrow(
      new ShapeError('dense: bias must have shape [2], got [3]'),
    );
  });

  it('requires a [batch, inputs] input', () => {
    const layer = dense(3, 2);
    expect(() =>
      layer.forward(
        tensor([
          [1, 2, 3, 4],
          [5, 6, 7, 8],
        ]),
        infer,
      ),
    ).toThrow(new ShapeError('dense: input width must be 3 (inputs), got shape [2,4]'));
    expect(() => layer.forward(tensor([1, 2, 3]), infer)).toThrow(ShapeError);
    expect(() => layer.forward([[1, 2, 3]] as never, infer)).toThrow(
      'dense: x must be a Tensor, got [[1,2,3]]',
    );
  });
});
