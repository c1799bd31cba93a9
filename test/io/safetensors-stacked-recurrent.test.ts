import { describe, expect, it } from 'vitest';
import { ModelFormatError } from '../../src/_lib/errors.js';
import { readSafetensors, writeSafetensors } from '../../src/io/safetensors.js';
import { loadSafetensorsWeights } from '../../src/io/safetensors-weights.js';
import { lstm } from '../../src/layers/lstm.js';
import { predict } from '../../src/models/predict.js';
import { sequential } from '../../src/models/sequential.js';
import { tensor } from '../../src/tensor/create.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { expectClose } from '../helpers/expect-close.js';

// A stacked PyTorch LSTM (num_layers = 2) holds weight_ih_l0 ... and
// weight_ih_l1 ... under one module; each myelin layer reads one module's _l0
// tensors, so the loader says so and how to split the module, and the split
// file loads.
// torch 1.13, float64: torch.manual_seed(5); m = nn.LSTM(2, 3, num_layers=2,
// batch_first=True), weights rounded to 4 decimals; Y = m(X)[0][:, -1].
const SD = {
  weight_ih_l0: [
    [0.164, -0.2774],
    [-0.1607, -0.2135],
    [-0.2701, 0.4058],
    [0.0916, 0.2541],
    [0.4012, -0.0542],
    [-0.1638, -0.2012],
    [0.3479, -0.3249],
    [-0.4491, -0.1974],
    [-0.1694, -0.1481],
    [0.2975, 0.009],
    [0.179, -0.1183],
    [-0.535, -0.1748],
  ],
  weight_hh_l0: [
    [0.4052, -0.2904, -0.3751],
    [-0.4276, 0.0512, 0.4309],
    [0.3231, 0.4962, -0.2544],
    [-0.0625, 0.5392, -0.5155],
    [-0.158, 0.217, -0.2304],
    [0.0679, 0.1523, 0.0157],
    [0.2879, 0.3363, 0.0401],
    [0.0141, -0.522, -0.5324],
    [0.0278, -0.4123, 0.2415],
    [-0.417, 0.1391, -0.3411],
    [-0.2801, 0.0577, -0.4082],
    [0.4121, 0.0232, -0.1894],
  ],
  bias_ih_l0: [
    -0.3354, 0.3188, 0.3995, -0.5085, -0.3322, 0.4933, -0.0841, 0.2569, 0.5103, 0.0003, 0.2777,
    -0.1253,
  ],
  bias_hh_l0: [
    -0.0018, -0.222, -0.1857, -0.4729, -0.0907, 0.0162, -0.5687, 0.2137, -0.15, 0.2842, 0.1161,
    0.1913,
  ],
  weight_ih_l1: [
    [-0.0066, -0.3213, -0.3388],
    [-0.1858, 0.4132, -0.1934],
    [0.2075, 0.0633, 0.1598],
    [0.2992, -0.3656, 0.1765],
    [-0.1435, 0.302, 0.2575],
    [0.0158, 0.0695, -0.2652],
    [0.0166, -0.4636, 0.0621],
    [0.1448, -0.5374, -0.2938],
    [-0.3791, -0.5366, 0.5085],
    [-0.2613, -0.1632, -0.0594],
    [0.2512, -0.1047, 0.3832],
    [0.1647, 0.3719, 0.1559],
  ],
  weight_hh_l1: [
    [-0.369, 0.3235, -0.0062],
    [-0.0373, -0.1532, -0.4671],
    [0.3275, 0.1117, 0.176],
    [0.0272, -0.4885, -0.491],
    [-0.1464, -0.3924, 0.3986],
    [0.3886, -0.3183, -0.1984],
    [0.1988, -0.5014, -0.1307],
    [-0.0407, -0.5338, -0.1433],
    [0.017, -0.2158, -0.1648],
    [0.0659, -0.5248, -0.0155],
    [-0.1675, -0.4174, 0.2553],
    [-0.1708, 0.4048, -0.1994],
  ],
  bias_ih_l1: [
    0.2937, 0.1014, 0.4924, -0.0017, 0.2769, -0.1113, -0.3573, 0.1873, 0.0698, 0.4535, -0.309,
    -0.0961,
  ],
  bias_hh_l1: [
    0.5306, -0.4812, -0.5668, 0.2266, -0.0191, 0.237, -0.5266, 0.1015, -0.3441, 0.3739, -0.3451,
    -0.3562,
  ],
};
const Y = [
  [-0.5190218136688278, 0.04413887047369884, -0.0753167341660965],
  [-0.5239766349850603, 0.05290967018252747, -0.06811596345237872],
];
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

const f64 = { dtype: 'float64' } as const;
const model = (): ReturnType<typeof sequential> =>
  sequential([lstm(2, 3, { returnSequences: true, ...f64 }), lstm(3, 3, f64)]);
const stateDict = (prefix: string): Record<string, Tensor> =>
  Object.fromEntries(Object.entries(SD).map(([k, v]) => [`${prefix}.${k}`, tensor(v, f64)]));

describe('loadSafetensorsWeights with a stacked PyTorch recurrent module', () => {
  it('says multi-layer modules are not read and how to split them', () => {
    // The same module named for both layers: both would read rnn.*_l0.
    expect(() => {
      loadSafetensorsWeights(model(), writeSafetensors(stateDict('rnn')), {
        mapping: 'pytorch',
        modules: ['rnn', 'rnn'],
      });
    }).toThrow(
      "loadSafetensorsWeights: layers[0].kernel reads module rnn, a PyTorch module of 2 stacked layers (num_layers = 2: rnn.weight_ih_l0 ... weight_ih_l1); multi-layer modules are not read (a myelin layer reads one module's _l0 tensors). Split it into one module per layer: rename each rnn.<name>_l<k> (k >= 1) to rnn_l<k>.<name>_l0 (readSafetensors, then writeSafetensors), and name them in modules, one per recurrent layer: ['rnn', 'rnn_l1']",
    );
    // Default module names (the layer indices): module 0 is the stacked one.
    expect(() => {
      loadSafetensorsWeights(model(), writeSafetensors(stateDict('0')), { mapping: 'pytorch' });
    }).toThrow(ModelFormatError);
    expect(() => {
      loadSafetensorsWeights(model(), writeSafetensors(stateDict('0')), { mapping: 'pytorch' });
    }).toThrow(/layers\[0\]\.kernel reads module 0, a PyTorch module of 2 stacked layers/);
  });

  it('the split file loads, and the model computes what the PyTorch module does', () => {
    const { tensors } = readSafetensors(writeSafetensors(stateDict('rnn')));
    const split: Record<string, Tensor> = {};
    for (const [name, t] of tensors) {
      const k = /^rnn\.(\w+)_l(\d+)$/.exec(name)!;
      split[k[2] === '0' ? name : `rnn_l${k[2]}.${k[1]}_l0`] = t;
    }
    const m = model();
    loadSafetensorsWeights(m, writeSafetensors(split), {
      mapping: 'pytorch',
      modules: ['rnn', 'rnn_l1'],
    });
    expectClose(predict(m, tensor(X, f64)), Y, { atol: 1e-12 });
  });
});
