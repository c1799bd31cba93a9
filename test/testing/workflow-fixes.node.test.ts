import { describe, expect, it } from 'vitest';
import { show } from '../../src/_lib/assert.js';
import { ValueError } from '../../src/_lib/errors.js';
import {
  applyLayer,
  addLayer,
  createRng,
  dense,
  dropout,
  embedding,
  flatten,
  graph,
  input,
  layerForward,
  lstm,
  Network,
  randomNormal,
  sequential,
  spatialDropout1d,
  tanh,
  tensor,
  type CompiledLayer,
  type Layer,
  type Rng,
  type Tensor,
} from '../../src/index.js';
import {
  AssertionError,
  assertClose,
  checkFixture,
  checkGradients,
  isClose,
  recordFixture,
} from '../../src/testing/index.js';

const f64 = (values: number[]): Tensor =>
  tensor(Float64Array.from(values), { dtype: 'float64', requiresGrad: true });

/**
 * y = x·γ + β per feature, with its own backward; `bug` scales dγ (1 is
 * right, anything else a wrong gradient on purpose). Float64 parameters.
 */
function scaleShift(gammaValues: number[], betaValues: number[], bug = 1): Layer<'scaleShift'> {
  const width = gammaValues.length;
  const gamma = f64(gammaValues);
  const beta = f64(betaValues);
  const layer: Layer<'scaleShift'> = {
    kind: 'scaleShift',
    config: {},
    params: { gamma, beta },
    trainable: true,
    inputShape: [width],
    outputShape: (shape) => [...shape],
    compile: (shapes): CompiledLayer => ({
      outShapes: [shapes[0]!],
      forward(io) {
        const [x, y] = [io.inputs[0]!, io.outputs[0]!];
        for (let i = 0; i < io.rows * width; i++)
          y[i] = x[i]! * gamma.data[i % width]! + beta.data[i % width]!;
      },
      backward(io) {
        const [x, dy, dx] = [io.inputs[0]!, io.gradOutputs[0]!, io.gradInputs[0]];
        const { gamma: dg, beta: db } = io.gradParams;
        dg?.fill(0);
        db?.fill(0);
        for (let i = 0; i < io.rows * width; i++) {
          const j = i % width;
          if (dx) dx[i] = dy[i]! * gamma.data[j]!;
          if (dg) dg[j] = dg[j]! + bug * dy[i]! * x[i]!;
          if (db) db[j] = db[j]! + dy[i]!;
        }
      },
    }),
    forward: (x, ctx) => layerForward(layer, x, ctx),
  };
  return layer;
}

/** A graph model of two outputs: a dense head, and a scale-and-shift head. */
function twoHeads(bug: number) {
  const x = input([3]);
  const head = scaleShift([1.5, -0.5, 2], [0.1, 0.2, 0.3], bug);
  const model = graph({
    inputs: [x],
    outputs: [
      dense(3, 1, { rng: createRng(1), dtype: 'float64' }).apply(x),
      applyLayer(head, x)[0]!,
    ],
  });
  return { model, head };
}

describe('checkGradients checks every output of a graph model', () => {
  const x = randomNormal([4, 3], { rng: createRng(2), dtype: 'float64' });

  it('fails on a wrong backward in the second output head, naming its parameter', () => {
    const { model, head } = twoHeads(1.5);
    // the head alone fails: its dγ is 1.5 times the true one
    expect(checkGradients(head, [[0.3, -1.2, 0.5]], { throwOnFailure: false }).passed).toBe(false);
    const r = checkGradients(model, x, { throwOnFailure: false });
    expect(r.passed).toBe(false);
    expect(r.worst?.tensor).toMatch(/^layers\.\d+\.gamma$/);
    expect(() => checkGradients(model, x)).toThrow(AssertionError);
  });

  it('passes with a correct second head, counting the elements of every input and parameter', () => {
    const r = checkGradients(twoHeads(1).model, x, { throwOnFailure: false });
    expect(r.passed).toBe(true);
    // x 4·3, dense kernel 3 and bias 1, gamma 3 and beta 3
    expect(r.checked).toBe(12 + 4 + 6);
  });
});

describe('checkGradients in training mode with a dropout that has its own stream', () => {
  const x = randomNormal([6, 3], { rng: createRng(4), dtype: 'float64' });
  const model = (opts: { seed?: number; rng?: Rng }) =>
    sequential([
      dense(3, 4, { rng: createRng(2), dtype: 'float64', activation: tanh }),
      dropout(0.5, opts),
      dense(4, 1, { rng: createRng(3), dtype: 'float64' }),
    ]);

  it('draws the same mask at every evaluation for a seed and for a createRng stream', () => {
    expect(checkGradients(model({ seed: 1 }), x, { training: true }).passed).toBe(true);
    const rng = createRng(1);
    expect(checkGradients(model({ rng }), x, { training: true }).passed).toBe(true);
  });

  it('leaves the own stream where it found it', () => {
    const rng = createRng(7);
    rng.uniform();
    const before = rng.getState();
    checkGradients(model({ rng }), x, { training: true });
    expect(rng.getState()).toEqual(before);
  });

  it('checks spatial dropout with its own seed in training mode', () => {
    const m = sequential([
      spatialDropout1d(0.5, { seed: 3 }),
      flatten(),
      dense(12, 1, { rng: createRng(3), dtype: 'float64' }),
    ]);
    const xs = randomNormal([4, 3, 4], { rng: createRng(5), dtype: 'float64' });
    expect(checkGradients(m, xs, { training: true }).passed).toBe(true);
  });

  it('refuses an own rng it cannot rewind, saying what to do', () => {
    const inner = createRng(1);
    const handMade: Rng = {
      nextUint32: () => inner.nextUint32(),
      uniform: (lo?: number, hi?: number) => inner.uniform(lo, hi),
      normal: (m?: number, s?: number) => inner.normal(m, s),
      integer: (lo: number, hi: number) => inner.integer(lo, hi),
      shuffle: <T>(items: T[]) => inner.shuffle(items),
      permutation: (n: number) => inner.permutation(n),
      split: () => inner.split(),
      getState: () => inner.getState(),
    };
    expect(() => checkGradients(model({ rng: handMade }), x, { training: true })).toThrow(
      /checkGradients: layer "dropout" draws its training masks from its own rng, which is not a createRng stream.*build it with seed or rng: createRng\(\.\.\.\), or check with training: false/,
    );
    // without training the mask is not drawn: nothing to refuse
    expect(checkGradients(model({ rng: handMade }), x).passed).toBe(true);
  });
});

describe('AssertionError as Jest reads it', () => {
  it('carries node:assert fail fields, so Jest prints the message instead of an empty diff', () => {
    let caught: unknown;
    try {
      assertClose(tensor([1, 2]), [1, 2.5]);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(AssertionError);
    const e = caught as AssertionError & { operator?: unknown; generatedMessage?: unknown };
    expect(e.name).toBe('AssertionError');
    expect(e.operator).toBe('fail');
    expect(e.generatedMessage).toBe(false);
    // not own fields: runners that print an error's own properties show nothing new
    expect(Object.keys(e)).not.toContain('operator');
    expect(e.message).toMatch(/^assertClose: values are not close: 1 of 2 elements/);
  });
});

describe('assertClose reads nested arrays in the float32 of the other side', () => {
  // numpy: float(np.float32(0.60530525)) = 0.6053052544593811,
  // float(np.float32(0.1)) = 0.10000000149011612,
  // float(np.nextafter(np.float32(0.60530525), np.float32(1))) = 0.6053053140640259 (printed 0.6053053).
  it('a float32 tensor equals the literal of its printed value, exactly', () => {
    expect(() => {
      assertClose(tensor([0.60530525, 0.1]), [0.60530525, 0.1], { atol: 0, rtol: 0 });
    }).not.toThrow();
    const r = isClose([0.60530525], tensor([0.6053053]), { atol: 0, rtol: 0 });
    expect(r.pass).toBe(false);
    expect(r.mismatches[0]?.actual).toBe(0.6053052544593811);
    expect(r.mismatches[0]?.expected).toBe(0.6053053140640259);
  });

  it('one float32 step apart still differs', () => {
    expect(isClose(tensor([0.60530525]), [0.6053053], { atol: 0, rtol: 0 }).pass).toBe(false);
    // two nested arrays stay float64
    expect(isClose([0.60530525], [0.6053052544593811], { atol: 0, rtol: 0 }).pass).toBe(false);
  });
});

describe('fixtures of a stateful recurrent model', () => {
  it('record then check passes, twice in a row, and leaves the carried state as found', () => {
    const rng = createRng(5);
    const model = sequential([
      lstm(2, 3, { rng, stateful: true, batchSize: 2 }),
      dense(3, 1, { rng }),
    ]);
    const x = randomNormal([2, 4, 2], { rng });
    // a carried state that is not the zero one
    (model.layers[0]!.state!['h'] as Tensor).data.set([0.1, -0.2, 0.3, 0.05, 0, -0.4]);
    const state = Object.values(model.layers[0]!.state!).map((t) => Array.from(t.data));
    const fixture = recordFixture(model, x);
    expect(checkFixture(model, fixture, { atol: 0, rtol: 0, throwOnFailure: false }).pass).toBe(
      true,
    );
    expect(checkFixture(model, fixture, { atol: 0, rtol: 0, throwOnFailure: false }).pass).toBe(
      true,
    );
    expect(Object.values(model.layers[0]!.state!).map((t) => Array.from(t.data))).toEqual(state);
  });
});

describe('checkGradients with token ids', () => {
  const model = () => {
    const rng = createRng(4);
    return sequential([
      embedding(10, 3, { rng, dtype: 'float64' }),
      flatten(),
      dense(6, 2, { rng, dtype: 'float64' }),
    ]);
  };

  it('reads nested arrays of ids as int32 and checks the parameters only', () => {
    const r = checkGradients(model(), [
      [1, 2],
      [9, 0],
    ]);
    expect(r.passed).toBe(true);
    // embeddings 10·3, kernel 6·2, bias 2: the ids themselves are not perturbed
    expect(r.checked).toBe(30 + 12 + 2);
  });

  it('refuses a float tensor of ids, saying to pass them as int32', () => {
    expect(() =>
      checkGradients(
        model(),
        tensor(
          [
            [1, 2],
            [9, 0],
          ],
          { dtype: 'float64' },
        ),
      ),
    ).toThrow(
      /checkGradients: x holds integers that the model reads as indices.*tensor\(ids, \{ dtype: 'int32' \}\)/,
    );
  });

  it('still checks the input of a dense model given integer values', () => {
    const m = sequential([dense(2, 1, { rng: createRng(1), dtype: 'float64' })]);
    expect(checkGradients(m, [[1, 2]]).checked).toBe(2 + 2 + 1);
  });
});

describe('messages for models of several inputs, Networks, symbolic tensors and dtypes', () => {
  it('checks a graph model of two inputs, each input batch and every parameter', () => {
    const a = input([2]);
    const b = input([2]);
    const model = graph({
      inputs: [a, b],
      outputs: [
        addLayer().apply([
          dense(2, 2, { rng: createRng(2), dtype: 'float64', activation: tanh }).apply(a),
          dense(2, 2, { rng: createRng(3), dtype: 'float64' }).apply(b),
        ]),
      ],
    });
    const r = checkGradients(model, [
      [
        [0.1, 0.2],
        [0.5, -1],
      ],
      [
        [0.3, -0.4],
        [2, 0.7],
      ],
    ]);
    expect(r.passed).toBe(true);
    expect(r.checked).toBe(4 + 4 + 6 + 6);
    expect(() => checkGradients(model, [[0.1, 0.2]])).toThrow(
      new ValueError(
        'checkGradients: x must be an array of 2 input batches, one per input of the model, got [[0.1,0.2]]',
      ),
    );
  });

  it('says to pass network.model', () => {
    const net = new Network([dense(2, 1, { rng: createRng(1), dtype: 'float64' })]);
    const subject = net as unknown as Parameters<typeof recordFixture>[0];
    expect(() => recordFixture(subject, [[1, 2]])).toThrow(
      new ValueError(
        'recordFixture: subject must be a model, got a Network: pass its model, recordFixture(network.model, ...)',
      ),
    );
    const fixture = recordFixture(net.model, [[1, 2]]);
    expect(() => checkFixture(subject, fixture)).toThrow(/checkFixture\(network\.model, \.\.\.\)/);
    expect(() => checkGradients(subject as never, [[1, 2]])).toThrow(
      /checkGradients: subject must be a model, got a Network: pass its model/,
    );
  });

  it('shows a SymbolicTensor as one', () => {
    expect(show(input([3]))).toBe('a float32 SymbolicTensor of per-sample shape [3]');
    expect(show(tensor([1, 2, 3]))).toBe('a float32 Tensor of shape [3]');
  });

  it('tells a layer without a dtype option how to get float64 parameters', () => {
    const layer = scaleShift([1, 2], [0, 0]);
    const float32: Layer<'scaleShift'> = {
      ...layer,
      params: { gamma: tensor([1, 2], { requiresGrad: true }), beta: layer.params['beta']! },
    };
    expect(() => checkGradients(float32, [[0.5, 1]])).toThrow(
      new ValueError(
        `checkGradients: parameter "gamma" must be a float64 tensor (gradients are checked in float64: layer "scaleShift" has no dtype option: give it float64 parameters, tensor(values, { dtype: 'float64', requiresGrad: true })), got "float32"`,
      ),
    );
  });
});

describe('fixtures store bits and compare values', () => {
  // numpy: base64 of np.array([-0.0, <NaN with bits 0x7fc00123>, 1.5], dtype=float32).tobytes()
  // is 'AAAAgCMBwH8AAMA/'; torch.testing.assert_close(tensor([-0., nan, 1.5]),
  // tensor([0., nan, 1.5]), atol=0, rtol=0, equal_nan=True) passes (values, not bits).
  const recorded = (): Tensor => {
    const t = tensor([0, 0, 1.5]);
    new DataView(t.data.buffer, t.data.byteOffset).setUint32(0, 0x80000000, true);
    new DataView(t.data.buffer, t.data.byteOffset).setUint32(4, 0x7fc00123, true);
    return t;
  };

  it('keeps -0 and the NaN payload in the file, and a check with atol 0 accepts +0 and another NaN', () => {
    const fixture = recordFixture(() => recorded(), []);
    expect(fixture.outputs[0]!.data).toBe('AAAAgCMBwH8AAMA/');
    const r = checkFixture(() => tensor([0, NaN, 1.5]), fixture, {
      atol: 0,
      rtol: 0,
      throwOnFailure: false,
    });
    expect(r.pass).toBe(true);
  });
});
