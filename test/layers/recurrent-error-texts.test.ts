import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError } from '../../src/_lib/errors.js';
import { hardSigmoid } from '../../src/activations/hard-sigmoid.js';
import { leakyRelu } from '../../src/activations/leaky-relu.js';
import { gru } from '../../src/layers/gru.js';
import { lstm } from '../../src/layers/lstm.js';
import { simpleRnn } from '../../src/layers/simple-rnn.js';
import { predict } from '../../src/models/predict.js';
import { sequential } from '../../src/models/sequential.js';
import { createRng } from '../../src/random/rng.js';
import { zeros } from '../../src/tensor/create.js';

const ctx = { training: false, rng: createRng(0) };

describe('recurrent layers: error texts', () => {
  it('a sequence of 0 steps: steps must be at least 1', () => {
    // torch: nn.LSTM(3, 2)(torch.zeros(2, 0, 3), batch_first) raises
    // "Expected sequence length to be larger than 0 in RNN"
    const want =
      'lstm: a sequence must have at least 1 step, got 0 steps (per-sample shape [0,3], [steps, features])';
    expect(() => lstm(3, 2).forward(zeros([2, 0, 3]), ctx)).toThrow(ShapeError);
    expect(() => lstm(3, 2).forward(zeros([2, 0, 3]), ctx)).toThrow(want);
    expect(() => predict(sequential([gru(3, 2)]), zeros([2, 0, 3]))).toThrow(
      /gru: a sequence must have at least 1 step, got 0 steps/,
    );
    // A wrong feature count keeps its own message.
    expect(() => simpleRnn(3, 2).forward(zeros([2, 4, 2]), ctx)).toThrow(
      /simpleRnn: input must be \[batch, steps, 3\]/,
    );
  });

  it('a configured activation is shown with its settings', () => {
    expect(() => gru(3, 2, { recurrentActivation: hardSigmoid.with({ alpha: 1 / 6 }) })).toThrow(
      ValueError,
    );
    expect(() => gru(3, 2, { recurrentActivation: hardSigmoid.with({ alpha: 1 / 6 }) })).toThrow(
      'gru: recurrentActivation must be one of tanh, sigmoid, relu, identity, hardSigmoid (alpha 0.2, beta 0.5), got "hardSigmoid" (alpha 0.16666666666666666, beta 0.5); the recurrent kernels run hardSigmoid in its default form only',
    );
    expect(() => lstm(3, 2, { activation: leakyRelu.with({ alpha: 0.1 }) })).toThrow(
      /lstm: activation must be one of .*, got "leakyRelu" \(alpha 0\.1\)$/,
    );
    // The default form is accepted.
    expect(gru(3, 2, { recurrentActivation: hardSigmoid }).kind).toBe('gru');
  });
});
