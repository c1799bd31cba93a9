// loadSafetensorsWeights with mapping 'pytorch' reads a timeDistributed layer
// from its wrapped layer's module: PyTorch applies nn.Linear to every step of
// [N, T, F] as it is. And multiHeadAttention's error for a key or value of
// another width names the option that takes it.
import { describe, expect, it } from 'vitest';
import {
  dense,
  embedding,
  gru,
  input,
  loadSafetensorsWeights,
  multiHeadAttention,
  predict,
  sequential,
  tanh,
  tensor,
  timeDistributed,
  writeSafetensors,
} from 'myelin';

// PyTorch 1.13, values of a state_dict and an output (float32 values, printed with .tolist()):
//   torch.manual_seed(0)
//   m = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
//   y = m(x)   # x the [2, 3, 3] batch below: Linear acts on the last axis of [N, T, F]
// The file is written with writeSafetensors from those values (Python's safetensors
// package is not installed here); its names are the state_dict's.
const stateDict = {
  '0.weight': [
    [-0.004322517663240433, 0.3097158372402191, -0.4751853346824646],
    [-0.4248946011066437, -0.2223689705133438, 0.15482072532176971],
    [-0.011439144611358643, 0.45777493715286255, -0.05123639851808548],
    [0.1527741253376007, -0.1744827926158905, -0.11348707973957062],
  ],
  '0.bias': [-0.55157071352005, -0.3823687434196472, -0.2379971146583557, 0.021387115120887756],
  '2.weight': [
    [0.19766759872436523, 0.30001139640808105, -0.3389705419540405, -0.21773141622543335],
    [0.18160855770111084, 0.41519397497177124, -0.10290008783340454, 0.3741558790206909],
  ],
  '2.bias': [-0.08059167861938477, 0.05290704965591431],
};
const x = [
  [
    [0.5, -1.0, 2.0],
    [0.0, 0.25, -0.75],
    [1.5, 1.0, -0.5],
  ],
  [
    [-2.0, 0.5, 0.125],
    [0.75, -0.25, 1.0],
    [0.0, 0.0, 0.0],
  ],
];
const torchY = [
  [-0.07085597515106201, -0.059851646423339844],
  [-0.23972468078136444, -0.1452234834432602],
  [-0.44752034544944763, -0.28256019949913025],
  [0.021621115505695343, -0.012612991034984589],
  [-0.2578096091747284, -0.21687936782836914],
  [-0.2146652191877365, -0.15761397778987885],
].flat();

const file = (): Uint8Array =>
  writeSafetensors(Object.fromEntries(Object.entries(stateDict).map(([k, v]) => [k, tensor(v)])));

describe("loadSafetensorsWeights, mapping 'pytorch': timeDistributed", () => {
  it('timeDistributed(dense) reads nn.Linear on [N, T, F] and predicts what PyTorch does', () => {
    const model = sequential([
      timeDistributed(dense(3, 4, { activation: tanh })),
      timeDistributed(dense(4, 2)),
    ]);
    loadSafetensorsWeights(model, file(), { mapping: 'pytorch', modules: ['0', '2'] });
    const y = predict(model, x);
    expect(y.shape).toEqual([2, 3, 2]);
    torchY.forEach((v, i) => {
      expect(Math.abs(y.data[i]! - v)).toBeLessThan(1e-6);
    });
  });

  it('the wrapped layer gets the module weight transposed, as a plain dense does', () => {
    const inner = dense(3, 4);
    const model = sequential([timeDistributed(inner), timeDistributed(dense(4, 2))]);
    loadSafetensorsWeights(model, file(), { mapping: 'pytorch', modules: ['0', '2'] });
    // kernel [in, out] = weightᵀ: kernel[i][o] = weight[o][i]
    const w = stateDict['0.weight'];
    const k = inner.params.kernel!;
    for (let i = 0; i < 3; i++)
      for (let o = 0; o < 4; o++) expect(k.data[i * 4 + o]).toBe(Math.fround(w[o]![i]!));
  });

  it('embedding, GRU and a per-step linear head load by module name', () => {
    // The state_dict of nn.Embedding(10, 4), nn.GRU(4, 5, batch_first=True), nn.Linear(5, 3):
    // only names and shapes matter here.
    const fill = (shape: number[]): ReturnType<typeof tensor> =>
      tensor(
        Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => (i % 7) / 10),
        { shape },
      );
    const sd = {
      'emb.weight': fill([10, 4]),
      'rnn.weight_ih_l0': fill([15, 4]),
      'rnn.weight_hh_l0': fill([15, 5]),
      'rnn.bias_ih_l0': fill([15]),
      'rnn.bias_hh_l0': fill([15]),
      'out.weight': fill([3, 5]),
      'out.bias': fill([3]),
    };
    const head = dense(5, 3);
    const model = sequential([
      embedding(10, 4),
      gru(4, 5, { returnSequences: true }),
      timeDistributed(head),
    ]);
    loadSafetensorsWeights(model, writeSafetensors(sd), {
      mapping: 'pytorch',
      modules: ['emb', 'rnn', 'out'],
    });
    expect(Array.from(head.params.bias!.data)).toEqual(Array.from(sd['out.bias'].data));
  });

  it('a missing tensor of the wrapped module names the wrapped layer', () => {
    const model = sequential([timeDistributed(dense(3, 4)), timeDistributed(dense(4, 2))]);
    const bytes = writeSafetensors(
      Object.fromEntries(
        Object.entries(stateDict)
          .filter(([k]) => k !== '2.bias')
          .map(([k, v]) => [k, tensor(v)]),
      ),
    );
    expect(() => {
      loadSafetensorsWeights(model, bytes, { mapping: 'pytorch', modules: ['0', '2'] });
    }).toThrow(
      'loadSafetensorsWeights: the file has no tensor "2.bias" (for layers[1].layer.bias)',
    );
  });
});

describe('multiHeadAttention: a key or value of another width', () => {
  const q = input([6, 16]);

  it('names keyInputDim, and that option makes the layer take the key', () => {
    const kv = input([4, 12]);
    expect(() => multiHeadAttention(16, 4).apply([q, kv, kv])).toThrow(
      'multiHeadAttention: key must be [steps, 16] per sample, got [4,12]; its width is the option keyInputDim (default modelDim): build the layer with keyInputDim: 12',
    );
    expect(multiHeadAttention(16, 4, { keyInputDim: 12 }).apply([q, kv, kv]).shape).toEqual([
      6, 16,
    ]);
  });

  it('names valueInputDim too when the value differs from the key', () => {
    const k = input([4, 12]);
    const v = input([4, 8]);
    expect(() => multiHeadAttention(16, 4).apply([q, k, v])).toThrow(
      'build the layer with keyInputDim: 12 and valueInputDim: 8',
    );
    expect(() => multiHeadAttention(16, 4, { keyInputDim: 12 }).apply([q, k, v])).toThrow(
      'multiHeadAttention: value must be [steps, 12] per sample, got [4,8]; its width is the option valueInputDim (default keyInputDim): build the layer with valueInputDim: 8',
    );
    const ok = multiHeadAttention(16, 4, { keyInputDim: 12, valueInputDim: 8 }).apply([q, k, v]);
    expect(ok.shape).toEqual([6, 16]);
  });

  it('a query of another width points at modelDim', () => {
    const narrow = input([6, 8]);
    expect(() => multiHeadAttention(16, 4).apply([narrow, narrow, narrow])).toThrow(
      'multiHeadAttention: query must be [steps, 16] per sample, got [6,8]; its width is modelDim, the first argument: build the layer with modelDim 8, or give a query of width 16',
    );
  });
});
