// A relu recurrent cell passes NaN on, as torch.nn.RNN(nonlinearity='relu')
// does (torch 1.13: a NaN input gives NaN outputs) and as the WebAssembly
// kernel does; the JS kernel once turned it into 0.
import { describe, expect, it } from 'vitest';
import { relu } from '../../src/activations/relu.js';
import { simpleRnn } from '../../src/layers/simple-rnn.js';
import { sequential } from '../../src/models/sequential.js';
import { predict } from '../../src/models/predict.js';
import { tensor } from '../../src/tensor/create.js';

describe('simpleRnn with relu and a NaN input', () => {
  it('gives NaN from the NaN step on, as torch', () => {
    const m = sequential([
      simpleRnn(1, 1, { activation: relu, returnSequences: true, dtype: 'float64' }),
    ]);
    const y = predict(m, tensor([[[1], [NaN], [1]]], { dtype: 'float64' }));
    expect(Number.isNaN(y.data[0])).toBe(false);
    expect(Number.isNaN(y.data[1])).toBe(true);
    expect(Number.isNaN(y.data[2])).toBe(true);
  });
});
