// The reference article's 3-4-2 network, built from tensor operations only.
//
// A dense layer computes, for each of its neurons, a weighted sum of all its
// inputs plus a bias, then an activation: h = σ(W·x + b). Here W is stored
// [outputs, inputs] (one row of weights per neuron), as in the article.
// Inputs come as a batch of rows (shape [batch, inputs]), so the weighted sums
// of the whole batch are x·Wᵀ: row i, column j is neuron j's sum for sample i.
//
// Run: npx tsx examples/seed-network-ops.ts
import { add, matmul, sigmoid, tensor, transpose, type Tensor } from 'myelin';

const f64 = { dtype: 'float64' } as const;

// Input → hidden: 4 neurons, 3 weights each.
const w1 = tensor(
  [
    [0.5, -0.6, 0.1],
    [0.7, -0.8, 0.2],
    [-0.1, 0.9, -0.3],
    [0.3, 0.1, -0.4],
  ],
  f64,
);
const b1 = tensor([0.1, -0.2, 0.3, 0.4], f64);

// Hidden → output: 2 neurons, 4 weights each.
const w2 = tensor(
  [
    [0.2, -0.1, 0.4, 0.6],
    [-0.3, 0.8, -0.5, 0.2],
  ],
  f64,
);
const b2 = tensor([-0.1, 0.2], f64);

/** One layer: σ(x·Wᵀ + b); the bias row is broadcast over the batch. */
function layer(x: Tensor, w: Tensor, b: Tensor): Tensor {
  return sigmoid(add(matmul(x, transpose(w)), b));
}

const input = tensor([[0.7, -1.5, 0.2]], f64); // a batch of one sample
const hidden = layer(input, w1, b1); // shape [1, 4]
const output = layer(hidden, w2, b2); // shape [1, 2]

const cells = Array.from(output.data, (v) => v.toFixed(8).replace(/\.?0+$/, ''));
console.log(`Output: [${cells.join(', ')}]`);
