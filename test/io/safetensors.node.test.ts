import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ModelFormatError } from '../../src/_lib/errors.js';
import { relu, tanh } from '../../src/activations/index.js';
import {
  loadSafetensorsWeights,
  readSafetensors,
  saveSafetensorsWeights,
  writeSafetensors,
} from '../../src/io/index.js';
import { activation } from '../../src/layers/activation.js';
import { batchNorm } from '../../src/layers/batch-norm.js';
import { conv2d } from '../../src/layers/conv2d.js';
import { dense } from '../../src/layers/dense.js';
import { globalAvgPool2d } from '../../src/layers/global-pool.js';
import { gru } from '../../src/layers/gru.js';
import { lstm } from '../../src/layers/lstm.js';
import { maxPool2d } from '../../src/layers/pool.js';
import { predict } from '../../src/models/predict.js';
import { sequential } from '../../src/models/sequential.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';
import { expectClose } from '../helpers/expect-close.js';
import reference from '../fixtures/safetensors/reference.json' with { type: 'json' };

const fixture = (name: string): Uint8Array =>
  new Uint8Array(
    readFileSync(new URL(`../fixtures/safetensors/${name}.safetensors`, import.meta.url)),
  );

/** A file from a header object and data bytes, as the format lays it out. */
function file(header: unknown, data: number[] = [], headerLength?: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, headerLength ?? json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const errorOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ModelFormatError);
    return (e as Error).message;
  }
  throw new Error('expected a ModelFormatError');
};

describe('readSafetensors: known bytes', () => {
  it('reads F32, F64, F16, BF16, I64 written by hand', () => {
    // F32 1.5 = 0x3FC00000 -> bytes 00 00 C0 3F; F64 -2 = 0xC000000000000000;
    // F16 0x3C00 = 1, 0xC000 = -2, 0x0001 = 2^-24 (smallest subnormal);
    // BF16 0x3FC0 = upper half of float32 1.5; I64 7.
    const data = [
      0,
      0,
      0xc0,
      0x3f, // a: F32 [1]
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0xc0, // b: F64 [1]
      0x00,
      0x3c,
      0x00,
      0xc0,
      0x01,
      0x00, // c: F16 [3]
      0xc0,
      0x3f, // d: BF16 [1]
      7,
      0,
      0,
      0,
      0,
      0,
      0,
      0, // e: I64 []
    ];
    const { tensors, metadata } = readSafetensors(
      file(
        {
          __metadata__: { format: 'pt' },
          a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
          b: { dtype: 'F64', shape: [1, 1], data_offsets: [4, 12] },
          c: { dtype: 'F16', shape: [3], data_offsets: [12, 18] },
          d: { dtype: 'BF16', shape: [1], data_offsets: [18, 20] },
          e: { dtype: 'I64', shape: [], data_offsets: [20, 28] },
        },
        data,
      ),
    );
    expect(metadata.get('format')).toBe('pt');
    expect(Array.from(tensors.get('a')!.data)).toEqual([1.5]);
    expect(tensors.get('b')!.dtype).toBe('float64');
    expect(tensors.get('b')!.shape).toEqual([1, 1]);
    expect(Array.from(tensors.get('b')!.data)).toEqual([-2]);
    expect(Array.from(tensors.get('c')!.data)).toEqual([1, -2, 2 ** -24]);
    expect(Array.from(tensors.get('d')!.data)).toEqual([1.5]);
    expect(Array.from(tensors.get('e')!.data)).toEqual([7]);
  });

  it('writes the layout it reads: length, padded JSON header, raw little-endian bytes', () => {
    const bytes = writeSafetensors({ w: tensor([1.5, -2]) }, { metadata: { by: 'test' } });
    const n = new DataView(bytes.buffer).getUint32(0, true);
    expect(n % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as unknown;
    expect(header).toEqual({
      __metadata__: { by: 'test' },
      w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
    });
    // 1.5 = 0x3FC00000, -2 = 0xC0000000
    expect(Array.from(bytes.subarray(8 + n))).toEqual([0, 0, 0xc0, 0x3f, 0, 0, 0, 0xc0]);
  });
});

describe('readSafetensors: untrusted input', () => {
  const ok = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
  const eight = [0, 0, 0, 0, 0, 0, 0, 0];
  it.each([
    ['a short file', () => new Uint8Array(3), /fewer than 8/],
    ['a header length beyond the file', () => file(ok, eight, 10_000), /beyond the file/],
    [
      'a header length with the high word set',
      () => {
        const f = file(ok, eight);
        new DataView(f.buffer).setUint32(4, 1, true);
        return f;
      },
      /beyond the file/,
    ],
    [
      'an unknown dtype',
      () => file({ a: { dtype: 'F8', shape: [2], data_offsets: [0, 8] } }, eight),
      /dtype must be one of/,
    ],
    [
      'an enormous shape',
      () => file({ a: { dtype: 'F32', shape: [2 ** 20, 2 ** 20], data_offsets: [0, 8] } }, eight),
      /more than the limit/,
    ],
    [
      'a range outside the data',
      () => file({ a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, eight),
      /data's length/,
    ],
    [
      'a range disagreeing with the shape',
      () => file({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 8] } }, eight),
      /needs 4/,
    ],
    [
      'overlapping ranges',
      () =>
        file(
          {
            a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
            b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] },
          },
          eight,
        ),
      /overlap/,
    ],
    [
      'a hole',
      () => file({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, eight),
      /hole/,
    ],
    [
      'trailing bytes',
      () => file({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, eight),
      /holds 8/,
    ],
    [
      'a __proto__ key',
      () => {
        const json = '{"__proto__": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}';
        const h = new TextEncoder().encode(json);
        const out = new Uint8Array(8 + h.length + 8);
        new DataView(out.buffer).setUint32(0, h.length, true);
        out.set(h, 8);
        return out;
      },
      /forbidden key/,
    ],
    ['an unknown field', () => file({ a: { ...ok.a, extra: 1 } }, eight), /unknown field/],
    [
      'a non-JSON header',
      () => {
        const f = file(ok, eight);
        f[8] = 0xff;
        return f;
      },
      /not UTF-8 JSON/,
    ],
  ])('refuses %s', (_, make, message) => {
    expect(errorOf(() => readSafetensors(make()))).toMatch(message);
  });

  it('fuzz: any bytes give tensors or a ModelFormatError, never another error', () => {
    const good = writeSafetensors({
      a: tensor([
        [1, 2],
        [3, 4],
      ]),
      b: tensor([5]),
    });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), {
          maxLength: 6,
        }),
        fc.nat(good.length),
        (edits, cut) => {
          const f = good.slice(0, cut === 0 ? good.length : cut);
          for (const [i, v] of edits) if (i < f.length) f[i] = v;
          try {
            readSafetensors(f);
          } catch (e) {
            if (!(e instanceof ModelFormatError)) throw e;
          }
        },
      ),
      { numRuns: 500, seed: 14 },
    );
  });
});

describe('model weights', () => {
  it('myelin -> safetensors -> myelin is bit-identical (batch norm statistics included)', () => {
    const make = (seed: number) => {
      const rng = createRng(seed);
      return sequential([
        conv2d(2, 3, 3, { rng, activation: relu }),
        batchNorm(3, {
          movingMean: [0.1, -0.2, 0.3],
          movingVariance: seed === 1 ? [1.5, 0.5, 2] : [1, 1, 1],
        }),
        globalAvgPool2d(),
        dense(3, 2, { rng }),
      ]);
    };
    const a = make(1);
    const b = make(2);
    const x = tensor(
      Array.from({ length: 2 * 5 * 5 * 2 }, (_, i) => Math.sin(i)),
      { shape: [2, 5, 5, 2] },
    );
    expect(Array.from(predict(b, x).data)).not.toEqual(Array.from(predict(a, x).data));
    loadSafetensorsWeights(b, saveSafetensorsWeights(a));
    expect(Array.from(predict(b, x).data)).toEqual(Array.from(predict(a, x).data));
  });

  it('checks every name and shape before changing anything', () => {
    const a = sequential([dense(3, 2), dense(2, 1)]);
    const b = sequential([dense(3, 2), dense(2, 2)]);
    const before = Array.from(b.layers[0]!.params.kernel!.data);
    expect(
      errorOf(() => {
        loadSafetensorsWeights(b, saveSafetensorsWeights(a));
      }),
    ).toMatch(
      /layers\.1\.kernel gives shape \[2,1\] for layers\[1\]\.kernel, which has shape \[2,2\]/,
    );
    expect(Array.from(b.layers[0]!.params.kernel!.data)).toEqual(before);
    expect(
      errorOf(() => {
        loadSafetensorsWeights(sequential([dense(3, 2)]), saveSafetensorsWeights(a));
      }),
    ).toMatch(/no layer reads: layers\.1\.kernel, layers\.1\.bias/);
    expect(
      errorOf(() => {
        loadSafetensorsWeights(a, writeSafetensors({}));
      }),
    ).toMatch(/no tensor "layers\.0\.kernel"/);
  });

  it('refuses a negative running variance before changing anything', () => {
    const m = sequential([batchNorm(2, { movingVariance: [1, 2] }), dense(2, 1)]);
    const good = saveSafetensorsWeights(m);
    const { tensors } = readSafetensors(good);
    const bad = new Map(tensors);
    bad.set('layers.0.movingVariance', tensor([0.5, -0.25]));
    bad.set('layers.1.bias', tensor([7]));
    const before = Array.from(m.layers[1]!.params.bias!.data);
    expect(
      errorOf(() => {
        loadSafetensorsWeights(m, writeSafetensors(bad));
      }),
    ).toMatch(
      /layers\.0\.movingVariance must hold non-negative values for layers\[0\]\.movingVariance/,
    );
    expect(Array.from(m.layers[0]!.state!.movingVariance!.data)).toEqual([1, 2]);
    expect(Array.from(m.layers[1]!.params.bias!.data)).toEqual(before);
  });
});

describe('PyTorch state_dicts (fixtures from make.py)', () => {
  const x = (name: keyof typeof reference) => tensor((reference[name] as { x: number[][] }).x);
  const y = (name: keyof typeof reference) => (reference[name] as { y: number[][] }).y;
  const rng = createRng(3);

  it('an MLP with an F16 weight', () => {
    const model = sequential([dense(4, 8, { rng, activation: tanh }), dense(8, 3, { rng })]);
    loadSafetensorsWeights(model, fixture('mlp'), { mapping: 'pytorch', modules: ['0', '2'] });
    expectClose(predict(model, x('mlp')), y('mlp'), { atol: 1e-5 });
  });

  it('a CNN with batch norm (running statistics) and pooling', () => {
    const model = sequential([
      conv2d(2, 4, 3, { rng, padding: 'same' }),
      batchNorm(4, { epsilon: 1e-5 }), // PyTorch's eps (Keras's default is 1e-3)
      activation(relu),
      maxPool2d(2),
      conv2d(4, 3, 3, { rng }),
      globalAvgPool2d(),
      dense(3, 2, { rng }),
    ]);
    loadSafetensorsWeights(model, fixture('cnn'), {
      mapping: 'pytorch',
      modules: ['0', '1', '4', '7'],
    });
    expectClose(predict(model, x('cnn')), y('cnn'), { atol: 1e-5 });
  });

  it('an LSTM and a GRU (gate order, two biases)', () => {
    const l = sequential([lstm(3, 5, { rng })]);
    loadSafetensorsWeights(l, fixture('lstm'), { mapping: 'pytorch', modules: ['rnn'] });
    expectClose(predict(l, x('lstm')), y('lstm'), { atol: 1e-5 });
    const g = sequential([gru(3, 5, { rng })]);
    loadSafetensorsWeights(g, fixture('gru'), { mapping: 'pytorch', modules: ['rnn'] });
    expectClose(predict(g, x('gru')), y('gru'), { atol: 1e-5 });
  });

  it('refuses a GRU without resetAfter and a wrong module count, naming them', () => {
    const g = sequential([gru(3, 5, { rng, resetAfter: false })]);
    expect(
      errorOf(() => {
        loadSafetensorsWeights(g, fixture('gru'), { mapping: 'pytorch', modules: ['rnn'] });
      }),
    ).toMatch(/rnn is a PyTorch GRU.*resetAfter: false/);
    const m = sequential([dense(4, 8, { rng }), dense(8, 3, { rng })]);
    expect(() => {
      loadSafetensorsWeights(m, fixture('mlp'), { mapping: 'pytorch', modules: ['0'] });
    }).toThrow(/modules must be a module name for each/);
    expect(
      errorOf(() => {
        loadSafetensorsWeights(m, fixture('mlp'), { mapping: 'pytorch' });
      }),
    ).toMatch(/no tensor "1\.weight"/);
  });
});
