import { describe, expect, it } from 'vitest';
import { lstmFromPyTorch } from '../../src/io/layout-recurrent.js';
import { bidirectional } from '../../src/layers/bidirectional.js';
import { lstm } from '../../src/layers/lstm.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';
import { expectClose } from '../helpers/expect-close.js';

// torch 1.13, float64: torch.manual_seed(7); net = torch.nn.LSTM(2, 2, batch_first=True,
// bidirectional=True), its weights rounded to 4 decimals; y, _ = net(x) (zero initial states).
const SD = {
  weight_ih_l0: [
    [-0.312, -0.32],
    [0.5121, 0.2216],
    [0.5975, 0.4802],
    [-0.2903, 0.0859],
    [0.372, 0.3668],
    [-0.618, -0.6257],
    [-0.4703, -0.6539],
    [-0.5343, 0.4915],
  ],
  weight_hh_l0: [
    [-0.6884, 0.6362],
    [-0.5516, 0.6981],
    [0.5999, 0.5165],
    [0.2267, -0.2724],
    [0.5585, 0.3267],
    [0.6349, 0.48],
    [-0.5104, 0.6475],
    [0.0438, -0.5819],
  ],
  bias_ih_l0: [0.2034, 0.3077, -0.2213, -0.6278, -0.4383, -0.6207, 0.3347, -0.2143],
  bias_hh_l0: [-0.1099, 0.5652, -0.2063, -0.0297, -0.3926, -0.4585, 0.4345, -0.2053],
  weight_ih_l0_reverse: [
    [0.0918, 0.4405],
    [-0.6759, -0.1741],
    [-0.4102, 0.5825],
    [0.2637, 0.5972],
    [0.6411, 0.4804],
    [0.5088, 0.3346],
    [0.423, 0.1521],
    [0.435, 0.0428],
  ],
  weight_hh_l0_reverse: [
    [0.1894, 0.0376],
    [-0.3385, -0.0583],
    [0.0354, -0.2552],
    [-0.2202, 0.0206],
    [-0.3019, -0.4008],
    [-0.2785, 0.6648],
    [-0.2513, 0.0888],
    [-0.1064, -0.3424],
  ],
  bias_ih_l0_reverse: [0.632, 0.3095, 0.3551, 0.7014, -0.6956, 0.502, -0.1827, 0.398],
  bias_hh_l0_reverse: [-0.4698, -0.3767, -0.1682, -0.2828, -0.335, -0.1758, -0.1398, -0.1899],
};
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
const Y = [
  [
    [-0.3121010532775675, -0.10080281824321079, -0.22764520511267713, 0.19568236826026678],
    [-0.25184579440202776, -0.3333210187902894, -0.24772399280274723, 0.17975371055643163],
    [-0.37040631975510235, -0.3632028706555467, -0.16222790778271828, 0.029411912015616555],
  ],
  [
    [-0.08490402566380077, -0.19220607445042348, -0.20746036288867803, 0.23862577774692834],
    [-0.3779205866533072, -0.21915008179021342, -0.18173142880114482, 0.0931899021833571],
    [-0.23911753760612098, -0.36167473232370423, -0.10364284122366321, 0.15237239854791443],
  ],
];

describe('a stateful bidirectional layer', () => {
  it('resetStates clears both directions, as Keras Bidirectional.reset_states', () => {
    const dir = (s: '' | '_reverse') =>
      lstm(2, 2, {
        stateful: true,
        batchSize: 2,
        returnSequences: true,
        dtype: 'float64',
        ...lstmFromPyTorch(
          {
            weightIh: SD[`weight_ih_l0${s}`],
            weightHh: SD[`weight_hh_l0${s}`],
            biasIh: SD[`bias_ih_l0${s}`],
            biasHh: SD[`bias_hh_l0${s}`],
          },
          { dtype: 'float64' },
        ),
      });
    const bi = bidirectional(dir(''), { backwardLayer: dir('_reverse') });
    const ctx = { training: false, rng: createRng(0) };
    const x = tensor(X, { dtype: 'float64' });
    expectClose(bi.forward(x, ctx), Y, { atol: 1e-12 });
    // The second call starts from the carried states, so it differs from torch's fresh run.
    const again = bi.forward(x, ctx).toArray() as number[][][];
    expect(Math.abs(again[0]![0]![0]! - Y[0]![0]![0]!)).toBeGreaterThan(1e-3);
    bi.resetStates();
    for (const t of Object.values(bi.state ?? {}))
      expect([...t.data].every((v) => v === 0)).toBe(true);
    expectClose(bi.forward(x, ctx), Y, { atol: 1e-12 });
  });
});
