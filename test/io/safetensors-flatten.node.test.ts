// loadSafetensorsWeights with mapping 'pytorch' and a Linear after a Flatten:
// PyTorch flattens a convolution's output channels-first (c, h, w) where
// myelin flattens channels-last (h, w, c), so the dense kernel's rows are
// reordered as well as transposed; a batch-first recurrent output is
// flattened in the same order by both; a flatten whose PyTorch order cannot
// be known is refused.
import { describe, expect, it } from 'vitest';
import {
  activation,
  conv1d,
  conv2d,
  dense,
  dropout,
  flatten,
  graph,
  input,
  loadSafetensorsWeights,
  lstm,
  maxPool2d,
  ModelFormatError,
  nchwToNhwc,
  predict,
  relu,
  sequential,
  tensor,
  writeSafetensors,
  type Model,
  type Tensor,
  type TensorLike,
} from 'myelin';

// Reference values from PyTorch 1.13 in float64 (torch.set_default_dtype(torch.float64),
// torch.manual_seed(0)); each module's parameters rounded to 4 decimals, the inputs
// torch.round(torch.randn(...) * 100) / 100, and everything printed with .tolist():
//   cnn2d: nn.Sequential(nn.Conv2d(2, 3, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
//          nn.Dropout(0.5), nn.Linear(12, 2)).eval(), x [2, 2, 6, 6] (NCHW)
//   cnn1d: nn.Sequential(nn.Conv1d(2, 3, 3), nn.Flatten(), nn.Linear(12, 2)), x [2, 2, 6] (NCL)
//   lstm:  lstm = nn.LSTM(3, 2, batch_first=True); fc = nn.Linear(8, 2);
//          y = fc(torch.flatten(lstm(x)[0], 1)), x [2, 4, 3]
//   gray:  nn.Sequential(nn.Flatten(), nn.Linear(16, 2)), x [2, 1, 4, 4]
// The files are written with writeSafetensors from the state_dict values (Python's
// safetensors package is not installed here); their names are the state_dict's.
const cnn2d = {
  stateDict: {
    '0.weight': [
      [
        [
          [0.2216, 0.098, -0.0191],
          [0.1983, 0.0684, 0.1372],
          [-0.1515, -0.0702, 0.0383],
        ],
        [
          [-0.0998, -0.0222, -0.1524],
          [-0.0682, 0.0575, -0.0086],
          [-0.0279, -0.0437, -0.1389],
        ],
      ],
      [
        [
          [0.0778, 0.1343, -0.1365],
          [0.0833, -0.184, 0.0112],
          [-0.1292, 0.0275, 0.0413],
        ],
        [
          [0.0858, 0.1157, -0.1284],
          [0.1461, 0.0616, -0.1434],
          [-0.1637, -0.0087, 0.1968],
        ],
      ],
      [
        [
          [0.034, -0.009, 0.1396],
          [-0.0622, -0.1074, -0.2162],
          [0.1172, -0.0746, 0.018],
        ],
        [
          [-0.0159, 0.1713, -0.2163],
          [0.2344, 0.179, 0.124],
          [-0.1151, -0.1463, 0.2299],
        ],
      ],
    ],
    '0.bias': [0.1318, -0.0651, 0.031],
    '5.weight': [
      [
        0.1393, -0.2861, 0.0483, 0.0402, -0.2608, -0.1946, 0.2879, 0.0581, -0.2026, -0.0611, 0.2098,
        -0.2245,
      ],
      [
        0.1787, 0.1668, 0.1719, -0.0539, 0.1291, -0.2819, -0.1405, -0.1798, -0.1948, -0.0028,
        -0.1996, -0.1562,
      ],
    ],
    '5.bias': [-0.0516, -0.0727],
  },
  x: [
    [
      [
        [0.39, 0.89, 1.17, -0.39, 0.45, 0.54],
        [0.28, -0.51, -0.5, -0.48, 0.29, -1.32],
        [0.89, 1.12, 0.6, -0.93, 1.36, 0.42],
        [0.34, -0.35, -1.21, -1.06, 1.55, -0.65],
        [-0.24, -0.44, 2.71, -1.46, 0.44, -0.23],
        [2.15, -0.99, 0.23, 1.11, 0.85, -0.63],
      ],
      [
        [-0.6, 0.86, 1.39, -0.12, -0.19, 0.4],
        [-0.68, 1.66, -0.6, 0.19, 0.75, -0.33],
        [-0.48, 0.76, 0.22, -0.48, -0.26, 0.6],
        [-1.54, -0.11, -0.14, 0.79, -2.06, -0.67],
        [-0.4, 0.36, -0.65, 1.19, -0.08, -1.31],
        [-1.42, 0.32, -1.28, -0.88, 0.91, 0.16],
      ],
    ],
    [
      [
        [-0.45, 1.09, -0.16, -0.2, -1.86, 1.52],
        [-1.17, -1.31, -0.2, -1.68, 1.39, -3.05],
        [-0.6, -0.04, -0.29, -0.26, 0.91, -1.11],
        [-0.62, 0.14, -0.42, 0.2, -1.14, -0.32],
        [0.45, -0.21, 1.15, -0.56, 0.04, -0.35],
        [0.9, -2.21, 0.51, 0.81, -1.33, -0.21],
      ],
      [
        [-0.68, 0.71, 0.46, -1.61, 0.52, -1.6],
        [-0.32, -1.53, 0.72, 1.1, -0.36, 0.32],
        [-0.98, -0.43, -2.24, 1.17, 1.34, -0.66],
        [0.33, 1.39, 0.68, 1.62, 0.31, 0.19],
        [-0.48, 0.41, -0.37, 2.01, -0.05, 2.38],
        [0.76, 0.81, 0.35, 0.91, 0.82, -0.31],
      ],
    ],
  ],
  y: [
    [-0.27336898319999997, -0.40263840149999996],
    [-0.6383744212, -1.1435025291],
  ],
};

const cnn1d = {
  stateDict: {
    '0.weight': [
      [
        [-0.1145, -0.2327, 0.239],
        [-0.3491, 0.2963, -0.1837],
      ],
      [
        [0.0467, 0.3256, 0.2089],
        [-0.1632, -0.0796, 0.0683],
      ],
      [
        [0.1913, -0.2643, 0.1676],
        [0.0755, -0.02, -0.3032],
      ],
    ],
    '0.bias': [-0.3019, 0.3942, -0.1167],
    '2.weight': [
      [
        0.0856, 0.0227, -0.1184, -0.286, -0.0658, -0.1368, 0.1836, 0.2016, 0.2253, -0.2846, -0.2623,
        -0.105,
      ],
      [
        -0.1632, -0.0566, 0.0854, 0.1016, 0.2824, 0.2847, 0.279, 0.2702, 0.2774, 0.0377, 0.2367,
        -0.2409,
      ],
    ],
    '2.bias': [0.0286, -0.118],
  },
  x: [
    [
      [-1.04, 0.52, 1.58, -1.33, 0.13, -0.37],
      [-0.26, -0.91, -0.63, -1.54, 1.39, -0.62],
    ],
    [
      [0.48, 0.42, 0.16, -1.38, 1.07, 0.86],
      [0.15, 0.43, 0.66, -0.15, -0.19, -0.06],
    ],
  ],
  y: [
    [-0.06658699160000005, 0.7499719764],
    [0.07760343470000004, 0.5745625925999999],
  ],
};

const lstm_ = {
  stateDict: {
    'lstm.weight_ih_l0': [
      [-0.2066, 0.017, -0.3326],
      [-0.0123, -0.129, 0.6882],
      [0.186, -0.3157, -0.1321],
      [0.2461, 0.4497, -0.4584],
      [-0.1977, 0.1993, 0.2073],
      [-0.5793, 0.7031, 0.624],
      [-0.1063, -0.0702, 0.3793],
      [-0.5223, -0.2865, 0.098],
    ],
    'lstm.weight_hh_l0': [
      [-0.1357, 0.3383],
      [0.0092, 0.095],
      [0.4028, -0.1895],
      [0.6816, 0.151],
      [0.1052, -0.2163],
      [0.4355, 0.5932],
      [-0.5263, -0.1099],
      [-0.0506, 0.0205],
    ],
    'lstm.bias_ih_l0': [-0.5777, -0.0115, 0.0238, 0.5748, -0.4246, 0.3096, -0.3619, -0.1992],
    'lstm.bias_hh_l0': [0.3035, 0.36, -0.112, -0.3947, -0.5723, -0.4188, -0.0242, -0.4649],
    'fc.weight': [
      [0.2305, -0.2324, 0.2706, 0.1082, 0.0435, 0.2005, -0.3467, -0.0897],
      [-0.1638, -0.1163, 0.082, -0.0752, -0.0432, -0.2557, 0.3048, -0.133],
    ],
    'fc.bias': [-0.2172, -0.0136],
  },
  x: [
    [
      [0.81, -3.09, -1.0],
      [-0.64, 0.32, 0.71],
      [0.68, 3.34, -0.17],
      [0.4, -0.11, -0.15],
    ],
    [
      [0.41, 0.89, -0.45],
      [-0.06, 1.02, 2.69],
      [-2.35, -1.23, 0.93],
      [1.15, 1.11, -1.44],
    ],
  ],
  y: [
    [-0.17492917754448653, -0.06065779582548719],
    [-0.11437689790388733, -0.1875634883992109],
  ],
};

const gray = {
  stateDict: {
    '1.weight': [
      [
        -0.2179, 0.0701, -0.0373, 0.1547, 0.2187, 0.0897, -0.0261, 0.0171, -0.2497, 0.1908, -0.2175,
        0.0634, -0.0513, -0.2053, -0.0839, -0.1385,
      ],
      [
        -0.04, 0.1338, -0.2243, -0.1068, -0.023, -0.0829, -0.0764, 0.0695, 0.1561, 0.1979, 0.0255,
        -0.2277, 0.0727, 0.0069, -0.0039, 0.1315,
      ],
    ],
    '1.bias': [0.2254, -0.0957],
  },
  x: [
    [
      [
        [1.0, -1.03, -0.22, 0.64],
        [-0.54, -1.16, -0.19, -1.67],
        [-0.79, 0.64, 0.11, 2.41],
        [-0.17, -0.51, -1.46, 1.32],
      ],
    ],
    [
      [
        [1.23, 0.0, 0.53, 1.42],
        [0.11, 0.12, -1.88, 0.73],
        [-0.07, -0.9, 0.15, 0.18],
        [-0.18, -0.1, -0.84, -0.05],
      ],
    ],
  ],
  y: [
    [0.298105, -0.6647040000000001],
    [0.185371, -0.476819],
  ],
};

const dtype = 'float64';

function file(stateDict: Record<string, TensorLike>): Uint8Array {
  return writeSafetensors(
    Object.fromEntries(Object.entries(stateDict).map(([k, v]) => [k, tensor(v, { dtype })])),
  );
}

function expectClose(model: Model<TensorLike, Tensor>, x: TensorLike, y: number[][]): void {
  const got = Array.from(predict(model, x).data);
  const want = y.flat();
  expect(got).toHaveLength(want.length);
  got.forEach((v, i) => {
    expect(v).toBeCloseTo(want[i]!, 10);
  });
}

describe('loadSafetensorsWeights: a PyTorch Linear after a Flatten', () => {
  it('reorders the kernel rows after Conv2d-MaxPool-Flatten (through dropout) as PyTorch flattens (c, h, w)', () => {
    const model = sequential([
      conv2d(2, 3, 3, { inputShape: [6, 6, 2], dtype }),
      activation(relu),
      maxPool2d(2),
      flatten(),
      dropout(0.5),
      dense(12, 2, { dtype }),
    ]);
    loadSafetensorsWeights(model, file(cnn2d.stateDict), {
      mapping: 'pytorch',
      modules: ['0', '5'],
    });
    expectClose(model, nchwToNhwc(tensor(cnn2d.x, { dtype })), cnn2d.y);
  });

  it('does the same in a graph model', () => {
    const x = input([6, 6, 2], { dtype });
    const h = flatten().apply(
      maxPool2d(2).apply(activation(relu).apply(conv2d(2, 3, 3, { dtype }).apply(x))),
    );
    const model = graph({
      inputs: x,
      outputs: dense(12, 2, { dtype }).apply(dropout(0.5).apply(h)),
    });
    loadSafetensorsWeights(model, file(cnn2d.stateDict), {
      mapping: 'pytorch',
      modules: ['0', '5'],
    });
    expectClose(model, nchwToNhwc(tensor(cnn2d.x, { dtype })), cnn2d.y);
  });

  it('reorders the kernel rows after Conv1d-Flatten as PyTorch flattens (c, l)', () => {
    const model = sequential([
      conv1d(2, 3, 3, { inputShape: [6, 2], dtype }),
      flatten(),
      dense(12, 2, { dtype }),
    ]);
    loadSafetensorsWeights(model, file(cnn1d.stateDict), { mapping: 'pytorch' });
    expectClose(model, nchwToNhwc(tensor(cnn1d.x, { dtype })), cnn1d.y);
  });

  it('keeps the rows of a Linear after a batch-first LSTM flattened (same order), input shape or not', () => {
    const x = input([4, 3], { dtype });
    const layers = (): [
      ReturnType<typeof lstm>,
      ReturnType<typeof flatten>,
      ReturnType<typeof dense>,
    ] => [lstm(3, 2, { returnSequences: true, dtype }), flatten(), dense(8, 2, { dtype })];
    const [r, f, d] = layers();
    const declared = graph({ inputs: x, outputs: d.apply(f.apply(r.apply(x))) });
    const undeclared = sequential(layers());
    expect(undeclared.inputShape).toBeNull();
    for (const model of [declared, undeclared]) {
      loadSafetensorsWeights(model, file(lstm_.stateDict), {
        mapping: 'pytorch',
        modules: ['lstm', 'fc'],
      });
      expectClose(model, tensor(lstm_.x, { dtype }), lstm_.y);
    }
  });

  it('keeps the rows of a Linear reading a one-channel image flattened straight from the input', () => {
    const x = input([4, 4, 1], { dtype });
    const model = graph({ inputs: x, outputs: dense(16, 2, { dtype }).apply(flatten().apply(x)) });
    loadSafetensorsWeights(model, file(gray.stateDict), { mapping: 'pytorch', modules: ['1'] });
    expectClose(model, nchwToNhwc(tensor(gray.x, { dtype })), gray.y);
  });

  it('refuses a flatten of a several-channel model input, whose PyTorch order is unknown', () => {
    const x = input([2, 2, 3]);
    const model = graph({ inputs: x, outputs: dense(12, 2).apply(flatten().apply(x)) });
    const bytes = writeSafetensors({
      '1.weight': tensor(new Array(2).fill(new Array(12).fill(0))),
      '1.bias': tensor([0, 0]),
    });
    const load = (): void => {
      loadSafetensorsWeights(model, bytes, { mapping: 'pytorch', modules: ['1'] });
    };
    expect(load).toThrow(ModelFormatError);
    expect(load).toThrow(/layers\[1\] \(dense "dense"\).*model input.*fromTorchDenseAfterFlatten/);
  });

  it('refuses a flatten of a convolution whose shape cannot be known (no input shape)', () => {
    const model = sequential([conv2d(2, 3, 3), flatten(), dense(12, 2)]);
    const load = (): void => {
      loadSafetensorsWeights(model, file(cnn2d.stateDict), {
        mapping: 'pytorch',
        modules: ['0', '5'],
      });
    };
    expect(load).toThrow(ModelFormatError);
    expect(load).toThrow(/layers\[2\] \(dense "dense"\).*give the model an input shape/);
  });
});

describe('a rank-2 model input flattened into a dense layer (an MLP on [28, 28] images)', () => {
  it('loads with the plain transpose: PyTorch lays such a tensor out the same', () => {
    // torch: nn.Sequential(nn.Flatten(), nn.Linear(6, 1)) on [N, 2, 3] computes
    // x.reshape(N, 6) @ W.T + b, the row-major flatten myelin uses too.
    const x = input([2, 3], { dtype: 'float64' });
    const model = graph({
      inputs: x,
      outputs: dense(6, 1, { dtype: 'float64' }).apply(flatten().apply(x)),
    });
    const bytes = writeSafetensors({
      '1.weight': tensor([[1, 2, 3, 4, 5, 6]], { dtype: 'float64' }),
      '1.bias': tensor([0.5], { dtype: 'float64' }),
    });
    loadSafetensorsWeights(model, bytes, { mapping: 'pytorch', modules: ['1'] });
    const y = predict(
      model,
      tensor(
        [
          [
            [1, 0, 0],
            [0, 0, 2],
          ],
        ],
        { dtype: 'float64' },
      ),
    );
    // 1·1 + 2·6 + 0.5
    expect(Array.from(y.data)).toEqual([13.5]);
  });
});
