import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/_lib/errors.js';
import {
  gruFromPyTorch,
  lstmFromPyTorch,
  simpleRnnFromPyTorch,
} from '../../src/io/layout-recurrent.js';
import { gru } from '../../src/layers/gru.js';
import { lstm } from '../../src/layers/lstm.js';
import { simpleRnn } from '../../src/layers/simple-rnn.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';
import { expectClose } from '../helpers/expect-close.js';

// PyTorch modules built with bias=False have no bias_ih_l0 / bias_hh_l0: the
// converters return no bias and useBias: false, so the layer has no bias to
// train either, and its outputs are the module's.
// torch 1.13, float64: torch.manual_seed(3); m = cls(2, 2, batch_first=True, bias=False)
// for cls in (nn.RNN, nn.LSTM, nn.GRU), weights rounded to 4 decimals; y, _ = m(X).
const X = [
  [
    [0.5, -1.0],
    [0.25, 0.75],
    [-0.5, 0.1],
  ],
  [
    [1.0, 0.2],
    [-0.3, -0.6],
    [0.4, 0.9],
  ],
];
const RNN = {
  weightIh: [
    [-0.6589, -0.3016],
    [0.386, -0.4597],
  ],
  weightHh: [
    [0.3611, 0.1531],
    [-0.4261, -0.0942],
  ],
  y: [
    [
      [-0.027842801870995786, 0.5734847828040078],
      [-0.3033259436457439, -0.2825337099896918],
      [0.14546387225818858, -0.08291732547982426],
    ],
    [
      [-0.6164259205053125, 0.28586734045925],
      [0.19718780384221338, 0.3763069650478124],
      [-0.3852268148783993, -0.36166474268403065],
    ],
  ],
};
const LSTM = {
  weightIh: [
    [-0.1346, 0.3939],
    [-0.4434, 0.1336],
    [-0.0749, -0.2235],
    [0.6647, -0.584],
    [-0.5446, 0.0469],
    [0.635, -0.5271],
    [0.2254, 0.0657],
    [-0.6375, -0.3322],
  ],
  weightHh: [
    [-0.0832, -0.5874],
    [-0.0954, 0.0986],
    [0.0921, 0.3022],
    [0.4789, -0.648],
    [-0.7011, -0.5688],
    [-0.5207, 0.5097],
    [-0.4447, -0.0596],
    [-0.0217, 0.5821],
  ],
  y: [
    [
      [-0.06081745169413168, 0.13905555816733026],
      [-0.06856000561693139, 0.019902397255046708],
      [0.045141890355889974, -0.08943553913452594],
    ],
    [
      [-0.1305907142712947, 0.06300053570624478],
      [-0.021760199837032368, 0.12753017752705498],
      [-0.07877762089889462, 0.0069481040905317116],
    ],
  ],
};
const GRU = {
  weightIh: [
    [0.0747, -0.1561],
    [-0.1492, 0.1295],
    [-0.2238, -0.179],
    [0.2064, 0.1176],
    [-0.2858, -0.6137],
    [0.2551, -0.108],
  ],
  weightHh: [
    [0.3448, 0.2061],
    [-0.1652, 0.335],
    [-0.2232, -0.2316],
    [-0.2004, -0.0827],
    [-0.519, -0.2262],
    [-0.6929, -0.5914],
  ],
  y: [
    [
      [0.2120638646668624, 0.11647670154996648],
      [-0.21169673833996244, -0.00034682909936539774],
      [-0.051848543066316366, -0.031079151192898193],
    ],
    [
      [-0.21860733718463246, 0.10154835998108488],
      [0.08771546913224298, 0.06656325123337492],
      [-0.3059321141463758, 0.014548753779012415],
    ],
  ],
};

const x = tensor(X, { dtype: 'float64' });
const infer = { training: false, rng: createRng(0) };
const f64 = { dtype: 'float64' } as const;

describe('PyTorch recurrent modules with bias=False', () => {
  it('nn.RNN: no bias, the same outputs', () => {
    const w = simpleRnnFromPyTorch(RNN, f64);
    expect(w.bias).toBeUndefined();
    expect(w.useBias).toBe(false);
    const layer = simpleRnn(2, 2, { ...w, returnSequences: true, ...f64 });
    expect(Object.keys(layer.params).sort()).toEqual(['kernel', 'recurrentKernel']);
    expectClose(layer.forward(x, infer), RNN.y, { atol: 1e-12 });
  });

  it('nn.LSTM: no bias, the same outputs (with or without an explicit useBias: false)', () => {
    const w = lstmFromPyTorch(LSTM, f64);
    expect(w.bias).toBeUndefined();
    const layer = lstm(2, 2, { ...w, returnSequences: true, ...f64 });
    expect(Object.keys(layer.params).sort()).toEqual(['kernel', 'recurrentKernel']);
    expectClose(layer.forward(x, infer), LSTM.y, { atol: 1e-12 });
    const explicit = lstm(2, 2, { ...w, useBias: false, returnSequences: true, ...f64 });
    expectClose(explicit.forward(x, infer), LSTM.y, { atol: 1e-12 });
  });

  it('nn.GRU: no bias, the same outputs', () => {
    const w = gruFromPyTorch(GRU, f64);
    expect(w.bias).toBeUndefined();
    const layer = gru(2, 2, { ...w, returnSequences: true, ...f64 });
    expect(Object.keys(layer.params).sort()).toEqual(['kernel', 'recurrentKernel']);
    expectClose(layer.forward(x, infer), GRU.y, { atol: 1e-12 });
  });

  it('refuses one bias without the other, naming the converter and the missing one', () => {
    const b8 = [0, 0, 0, 0, 0, 0, 0, 0];
    expect(() => lstmFromPyTorch({ ...LSTM, biasIh: b8 })).toThrow(ValueError);
    expect(() => lstmFromPyTorch({ ...LSTM, biasIh: b8 })).toThrow(
      /^lstmFromPyTorch: biasHh is missing but biasIh is given/,
    );
    expect(() => gruFromPyTorch({ ...GRU, biasHh: [0, 0, 0, 0, 0, 0] })).toThrow(
      /^gruFromPyTorch: biasIh is missing but biasHh is given/,
    );
    expect(() => simpleRnnFromPyTorch({ ...RNN, biasHh: [0, 0] })).toThrow(
      /^simpleRnnFromPyTorch: biasIh is missing but biasHh is given/,
    );
  });

  it('with both biases the result still has a bias and no useBias', () => {
    const w = lstmFromPyTorch({
      ...LSTM,
      biasIh: new Array(8).fill(0.5),
      biasHh: new Array(8).fill(0.25),
    });
    expect(w.useBias).toBeUndefined();
    expectClose(w.bias!, new Array(8).fill(0.75));
  });
});
