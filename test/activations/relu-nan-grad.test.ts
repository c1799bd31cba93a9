// The gradient of relu at a NaN input, against torch 1.13. torch's relu
// backward is threshold_backward(grad, result, 0): x <= 0 ? 0 : grad, and
// NaN <= 0 is false, so the gradient passes through at NaN (it was 0 here).
// leaky_relu_backward is x > 0 ? grad : slope·grad, so NaN gets slope·grad.
//
//   x = torch.tensor([nan, -1., 0., 2., inf, -inf], requires_grad=True)
//   torch.relu(x).backward(torch.tensor([5., 6, 7, 8, 9, 10]))
//   x.grad                                      # [5, 0, 0, 8, 9, 0]
//   F.leaky_relu(x, 0.1).backward(...); x.grad  # [0.5, 0.6, 0.7, 8, 9, 1]
//   l = nn.Linear(2, 2); weight = eye(2), bias = 0
//   inp = torch.tensor([[nan, 1.]], requires_grad=True)
//   torch.relu(l(inp)).backward(torch.tensor([[3., 4.]]))
//   inp.grad  # [[3, 4]]   l.weight.grad  # [[nan, 3], [nan, 4]]   l.bias.grad  # [3, 4]
//
// Each case also runs tiled to 258 elements, so that on the wasm and threads
// projects the WebAssembly kernel (SIMD body and scalar tail) computes it.
import { describe, expect, it } from 'vitest';
import { leakyRelu } from '../../src/activations/leaky-relu.js';
import { relu } from '../../src/activations/relu.js';
import type { FloatDType } from '../../src/_lib/typed.js';
import { backward } from '../../src/autograd/backward.js';
import { conv2d } from '../../src/layers/conv2d.js';
import { dense } from '../../src/layers/dense.js';
import { simpleRnn } from '../../src/layers/simple-rnn.js';
import { mul } from '../../src/ops/mul.js';
import { sum } from '../../src/ops/sum.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';
import { expectClose } from '../helpers/expect-close.js';

const X = [NaN, -1, 0, 2, Infinity, -Infinity];
const DY = [5, 6, 7, 8, 9, 10];
const tile = (v: readonly number[], n: number): number[] =>
  Array.from({ length: n }, (_, i) => v[i % v.length]!);
const dtypes: FloatDType[] = ['float32', 'float64'];
const train = { training: true, rng: createRng(0) };

describe.each(dtypes)('relu gradient at NaN (%s)', (dtype) => {
  for (const n of [6, 258]) {
    it(`passes the gradient through at NaN, as torch (${n} elements)`, () => {
      const x = tensor(tile(X, n), { dtype, requiresGrad: true });
      backward(sum(mul(relu(x), tensor(tile(DY, n), { dtype }))));
      expectClose(x.grad!, tile([5, 0, 0, 8, 9, 0], n), { atol: 0 });
    });

    it(`leakyRelu gives slope·gradient at NaN, as torch (${n} elements)`, () => {
      const x = tensor(tile(X, n), { dtype, requiresGrad: true });
      backward(sum(mul(leakyRelu.with({ alpha: 0.1 })(x), tensor(tile(DY, n), { dtype }))));
      expectClose(x.grad!, tile([0.5, 0.6, 0.7, 8, 9, 1], n), { atol: 1e-6 });
    });
  }

  it('dense with relu (the fused mask on the saved output) passes it through too', () => {
    // 129 rows of [NaN, 1] through the identity: 258 outputs
    const rows = 129;
    const layer = dense(2, 2, { activation: relu, dtype, rng: createRng(1) });
    layer.kernel.data.set([1, 0, 0, 1]);
    layer.bias!.data.set([0, 0]);
    const x = tensor(tile([NaN, 1], 2 * rows), { dtype, shape: [rows, 2], requiresGrad: true });
    const dy = tensor(tile([3, 4], 2 * rows), { dtype, shape: [rows, 2] });
    backward(sum(mul(layer.forward(x, train), dy)));
    expectClose(x.grad!, tile([3, 4], 2 * rows), { atol: 0 });
    // kernel [inputs, units] = torch's weight.grad transposed, summed over rows
    expectClose(layer.kernel.grad!, [NaN, NaN, 3 * rows, 4 * rows], { atol: 0 });
    expectClose(layer.bias!.grad!, [3 * rows, 4 * rows], { atol: 0 });
  });

  it('conv2d with relu passes it through at a NaN pixel', () => {
    // a 1x1 convolution with weight 1 and bias 0 is relu pixel by pixel:
    // torch: F.relu(F.conv2d(x, ones(1, 1, 1, 1))).backward(dy) gives x.grad = [5, 0, 0, 8, 9, 0] tiled
    const layer = conv2d(1, 1, 1, { activation: relu, dtype, rng: createRng(2) });
    layer.kernel.data.fill(1);
    layer.bias!.data.fill(0);
    const n = 258;
    const x = tensor(tile(X, n), { dtype, shape: [1, 1, n, 1], requiresGrad: true });
    const dy = tensor(tile(DY, n), { dtype, shape: [1, 1, n, 1] });
    backward(sum(mul(layer.forward(x, train), dy)));
    expectClose(x.grad!, tile([5, 0, 0, 8, 9, 0], n), { atol: 0 });
    expect(layer.bias!.grad!.data[0]).toBe((5 + 8 + 9) * 43);
  });
});

// torch: rnn = nn.RNN(1, 1, nonlinearity='relu', batch_first=True), weights 1
// (input) and 0 (recurrent, biases); x = [[[nan]]]; rnn(x)[0].backward(2) gives
// x.grad [[[2]]]: the relu of the recurrent cell passes the gradient at NaN too.
describe.each(dtypes)('a relu recurrent cell at NaN (%s)', (dtype) => {
  it('passes the gradient through, as torch', () => {
    const layer = simpleRnn(1, 1, {
      activation: relu,
      kernel: tensor([[1]], { dtype }),
      recurrentKernel: tensor([[0]], { dtype }),
      bias: tensor([0], { dtype }),
    });
    const x = tensor([[[NaN]]], { dtype, requiresGrad: true });
    backward(sum(mul(layer.forward(x, train), 2)));
    expect(Array.from(x.grad!.data)).toEqual([2]);
  });
});
