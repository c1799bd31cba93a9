// The article's first network, in myelin: 3 inputs, a hidden layer of 4
// sigmoid neurons, 2 sigmoid outputs, with the article's weights. Then the
// article's backpropagation step, the gradients of the whole network, and a
// few steps of gradient descent.
//
// Run: npx tsx examples/seed-network.ts
import {
  dense,
  sequential,
  sigmoid,
  predict,
  namedParameters,
  tensor,
  sub,
  mul,
  sum,
  valueAndGrad,
  sgd,
  createRng,
} from 'myelin';
import type { Tensor } from 'myelin';

// The article stores weights as [outputs, inputs] and computes sigmoid(W·x + b).
// myelin's dense layers (like Keras) store the kernel as [inputs, outputs] and
// compute sigmoid(x·kernel + b) for a batch of rows x, so kernel = Wᵀ.
const W1 = [
  [0.5, -0.6, 0.1],
  [0.7, -0.8, 0.2],
  [-0.1, 0.9, -0.3],
  [0.3, 0.1, -0.4],
];
const b1 = [0.1, -0.2, 0.3, 0.4];
const W2 = [
  [0.2, -0.1, 0.4, 0.6],
  [-0.3, 0.8, -0.5, 0.2],
];
const b2 = [-0.1, 0.2];
const transpose = (m: number[][]): number[][] => m[0]!.map((_, j) => m.map((row) => row[j]!));

// float64, so the printed digits match NumPy's.
const model = sequential([
  dense(3, 4, { activation: sigmoid, kernel: transpose(W1), bias: b1, dtype: 'float64' }),
  dense(4, 2, { activation: sigmoid, kernel: transpose(W2), bias: b2, dtype: 'float64' }),
]);

const fmt = (values: ArrayLike<number>, digits: number): string =>
  `[${Array.from(values, (v) => Number(v.toFixed(digits))).join(', ')}]`;

// 1. Feedforward on the article's input (a batch of one row).
const input = tensor([[0.7, -1.5, 0.2]], { dtype: 'float64' });
console.log('Output:', fmt(predict(model, input).data, 8)); // Output: [0.60530524, 0.65013656]

// ½·Σ(o − t)², the squared error the article differentiates.
const halfSquaredError = (o: Tensor, t: Tensor): Tensor => {
  const diff = sub(o, t);
  return mul(sum(mul(diff, diff)), 0.5);
};

// 2. The article's backpropagation step, for network_output [0.5, 0.8] and
// expected [0, 1]. With o = σ(z), the chain rule gives
//   ∂loss/∂z = (o − t)·σ'(z),  σ'(z) = o(1 − o),
// the article's `error * sigmoid_derivative(network_output)`. Autograd finds
// the same numbers: start from the pre-activation z = logit(o) = log(o / (1 − o)),
// so that sigmoid(z) = o, and differentiate.
const networkOutput = [0.5, 0.8];
const expected = tensor([0, 1], { dtype: 'float64' });
const z = tensor(
  networkOutput.map((o) => Math.log(o / (1 - o))),
  { dtype: 'float64' },
);
const [delta] = valueAndGrad((pre: Tensor) => halfSquaredError(sigmoid(pre), expected))(z).grads;
console.log('delta (error * sigmoid_derivative):', fmt(delta!.data, 6)); // [0.125, -0.032]

// 3. The gradient of the same loss for the whole network, on the input above
// with target [0, 1], for every parameter (kernels are [inputs, outputs]).
const target = tensor([[0, 1]], { dtype: 'float64' });
const ctx = { training: true, rng: createRng(0) };
const named = namedParameters(model);
const params = named.map((p) => p.tensor);
const objective = (): Tensor => halfSquaredError(model.forward(input, ctx), target);
const first = valueAndGrad<Tensor[]>(objective)(...params);
named.forEach((p, i) => {
  console.log(`d loss / d ${p.name}:`, fmt(first.grads[i]!.data, 6));
});

// 4. Gradient descent: step against the gradient, w ← w − lr·∂loss/∂w, and
// watch the loss fall.
const optimizer = sgd({ learningRate: 0.5 });
for (let step = 0; step <= 50; step++) {
  const { value, grads } = valueAndGrad<Tensor[]>(objective)(...params);
  if (step % 10 === 0) console.log(`step ${step}: loss ${value.item().toFixed(6)}`);
  optimizer.step(params, grads);
}
console.log('Output after training:', fmt(predict(model, input).data, 4));
