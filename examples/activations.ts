// The reference article's activation functions on x = [-2, 3, 0.5]:
//
//   ReLU:    max(0, x)                      keeps positives, zeroes negatives
//   Tanh:    (eˣ − e⁻ˣ)/(eˣ + e⁻ˣ)          squashes into (−1, 1)
//   Softmax: eˣⁱ / Σⱼ eˣʲ                   turns scores into probabilities summing to 1
//
// Run: npx tsx examples/activations.ts
import { relu, softmax, tanh, tensor, type Tensor } from 'myelin';

// float64, so the 8th printed decimal is exact (float32 keeps about 7 digits).
const x = tensor([-2.0, 3.0, 0.5], { dtype: 'float64' });

/** Prints like NumPy with 8 decimals: rounded, trailing zeros dropped. */
function format(t: Tensor): string {
  const cells = Array.from(t.data, (v) => {
    const s = v.toFixed(8).replace(/\.?0+$/, '');
    return s === '-0' ? '0' : s;
  });
  return `[${cells.join(', ')}]`;
}

console.log('ReLU:', format(relu(x)));
console.log('Tanh:', format(tanh(x)));
console.log('Softmax:', format(softmax(x)));
