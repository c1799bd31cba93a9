import { describe, expect, it } from 'vitest';
import { leakyRelu, relu } from '../../src/activations/index.js';
import { ModelFormatError, ValueError } from '../../src/_lib/errors.js';
import { fromJSON, toJSON } from '../../src/io/index.js';
import { dense } from '../../src/layers/dense.js';
import { dropout } from '../../src/layers/dropout.js';
import { activation } from '../../src/layers/activation.js';
import { sequential } from '../../src/models/sequential.js';
import { createRng } from '../../src/random/rng.js';
import { l2 } from '../../src/regularizers/l2.js';
import { del, formatErrorOf, get, set, viaText } from './_helpers.js';

// A model file is untrusted input: every tampering below must fail with a
// ModelFormatError whose message names the function and the path of the field.

const rng = createRng(9);
const model = sequential([
  dense(4, 3, { rng, activation: leakyRelu.with({ alpha: 0.2 }), kernelRegularizer: l2(0.01) }),
  dropout(0.25),
  dense(3, 2, { rng }),
  activation(relu),
]);
const good = viaText(toJSON(model));

function tampered(f: (j: unknown) => unknown): unknown {
  const j = viaText(good) as unknown;
  f(j);
  return j;
}
const errorOf = (f: (j: unknown) => unknown): string => formatErrorOf(() => fromJSON(tampered(f)));

describe('fromJSON rejects tampered files, naming the field', () => {
  it('accepts the untampered document (the baseline the cases below change)', () => {
    expect(() => fromJSON(viaText(good))).not.toThrow();
  });

  const cases: [string, (j: unknown) => unknown, RegExp][] = [
    // envelope
    [
      'wrong format',
      (j) => set(j, 'format', 'keras'),
      /^fromJSON: format must be "myelin\.model", got "keras"$/,
    ],
    [
      'missing format',
      (j) => del(j, 'format'),
      /^fromJSON: format must be "myelin\.model", got undefined$/,
    ],
    [
      'newer version',
      (j) => set(j, 'version', 3),
      /^fromJSON: version is 3: the file was written by a newer myelin; this one reads format versions up to 2$/,
    ],
    [
      'version 0',
      (j) => set(j, 'version', 0),
      /^fromJSON: version must be an integer >= 1, got 0$/,
    ],
    [
      'version as a string',
      (j) => set(j, 'version', '1'),
      /^fromJSON: version must be an integer >= 1, got "1"$/,
    ],
    [
      'unknown top-level field',
      (j) => set(j, 'extra', true),
      /^fromJSON: the document has unknown field "extra"; expected only format, version, model, optimizer$/,
    ],
    [
      'missing model',
      (j) => del(j, 'model'),
      /^fromJSON: the document is missing the field "model"$/,
    ],
    [
      'model not an object',
      (j) => set(j, 'model', 'dense'),
      /^fromJSON: model must be an object, got "dense"$/,
    ],
    [
      'model kind',
      (j) => set(j, 'model.kind', 'functional'),
      /^fromJSON: model\.kind must be "sequential" or "graph", got "functional"$/,
    ],
    [
      'layers not an array',
      (j) => set(j, 'model.layers', {}),
      /^fromJSON: model\.layers must be an array, got an object$/,
    ],
    [
      'no layers',
      (j) => set(j, 'model.layers', []),
      /^fromJSON: model\.layers must be a non-empty array of layers, got \[\]$/,
    ],
    [
      'layer is null',
      (j) => set(j, 'model.layers.1', null),
      /^fromJSON: model\.layers\[1\] must be an object, got null$/,
    ],
    [
      'layer is an array',
      (j) => set(j, 'model.layers.1', [1]),
      /^fromJSON: model\.layers\[1\] must be an object, got \[1\]$/,
    ],
    // layer envelope
    [
      'unknown layer field',
      (j) => set(j, 'model.layers.0.bias', 1),
      /^fromJSON: model\.layers\[0\] has unknown field "bias"; expected only kind, name, state, config, trainable, regularizers, weights$/,
    ],
    [
      'unknown layer kind',
      (j) => set(j, 'model.layers.1.kind', 'conv9d'),
      /^fromJSON: model\.layers\[1\]\.kind must be a known layer kind \(dense, dropout, flatten, activation, add, multiply, average, concatenate, reshape(?:, \w+)*; register others with options\.layers\), got "conv9d"$/,
    ],
    [
      'trainable not boolean',
      (j) => set(j, 'model.layers.0.trainable', 'yes'),
      /^fromJSON: model\.layers\[0\]\.trainable must be a boolean, got "yes"$/,
    ],
    [
      'missing trainable',
      (j) => del(j, 'model.layers.0.trainable'),
      /^fromJSON: model\.layers\[0\] is missing the field "trainable"$/,
    ],
    [
      'config not an object',
      (j) => set(j, 'model.layers.0.config', 4),
      /^fromJSON: model\.layers\[0\]\.config must be an object, got 4$/,
    ],
    [
      'weights not an object',
      (j) => set(j, 'model.layers.0.weights', []),
      /^fromJSON: model\.layers\[0\]\.weights must be an object, got \[\]$/,
    ],
    // dense config
    [
      'missing config field',
      (j) => del(j, 'model.layers.0.config.useBias'),
      /^fromJSON: model\.layers\[0\]\.config is missing the field "useBias"$/,
    ],
    [
      'unknown config field',
      (j) => set(j, 'model.layers.0.config.units2', 3),
      /^fromJSON: model\.layers\[0\]\.config has unknown field "units2"; expected only inputs, units, /,
    ],
    [
      'NaN in config',
      (j) => set(j, 'model.layers.0.config.units', NaN),
      /^fromJSON: model\.layers\[0\]\.config\.units must be an integer >= 1 and <= 1073741824, got NaN$/,
    ],
    [
      'Infinity in config',
      (j) => set(j, 'model.layers.0.config.inputs', Infinity),
      /config\.inputs must be an integer >= 1 and <= 1073741824, got Infinity$/,
    ],
    [
      'zero units',
      (j) => set(j, 'model.layers.0.config.units', 0),
      /config\.units must be an integer >= 1 and <= 1073741824, got 0$/,
    ],
    [
      'negative inputs',
      (j) => set(j, 'model.layers.0.config.inputs', -4),
      /config\.inputs must be an integer >= 1 and <= 1073741824, got -4$/,
    ],
    [
      'fractional units',
      (j) => set(j, 'model.layers.0.config.units', 2.5),
      /config\.units must be an integer >= 1 and <= 1073741824, got 2\.5$/,
    ],
    [
      'huge inputs',
      (j) => set(j, 'model.layers.0.config.inputs', 2 ** 40),
      /config\.inputs must be an integer >= 1 and <= 1073741824, got 1099511627776$/,
    ],
    [
      'units as string',
      (j) => set(j, 'model.layers.0.config.units', '3'),
      /config\.units must be an integer >= 1 and <= 1073741824, got "3"$/,
    ],
    [
      'useBias as number',
      (j) => set(j, 'model.layers.0.config.useBias', 1),
      /config\.useBias must be a boolean, got 1$/,
    ],
    [
      'bad dtype',
      (j) => set(j, 'model.layers.0.config.dtype', 'int8'),
      /config\.dtype must be one of "float32", "float64", got "int8"$/,
    ],
    [
      'unknown activation',
      (j) => set(j, 'model.layers.0.config.activation', 'mySwish'),
      /^fromJSON: model\.layers\[0\]\.config\.activation must be a known activation \(.*register custom ones with the loader's activations option\), got "mySwish"$/,
    ],
    [
      'unknown activation setting',
      (j) => set(j, 'model.layers.0.config.activationConfig.beta', 1),
      /config\.activationConfig has unknown field "beta" for activation "leakyRelu"; expected only alpha$/,
    ],
    [
      'activation setting of the wrong type',
      (j) => set(j, 'model.layers.0.config.activationConfig.alpha', 'big'),
      /config\.activationConfig\.alpha must be a number, got "big"$/,
    ],
    [
      'activation setting NaN',
      (j) => set(j, 'model.layers.0.config.activationConfig.alpha', NaN),
      /config\.activationConfig\.alpha must be a finite number, got NaN$/,
    ],
    [
      'activation setting nested',
      (j) => set(j, 'model.layers.0.config.activationConfig.alpha', { v: 1 }),
      /config\.activationConfig\.alpha must be a number, string or boolean, got an object$/,
    ],
    [
      'unknown initializer',
      (j) => set(j, 'model.layers.0.config.kernelInitializer.kind', 'identityMatrix'),
      /config\.kernelInitializer\.kind must be a known initializer \(zeros, ones, constant, .*got "identityMatrix"$/,
    ],
    [
      'initializer with a setting it does not have',
      (j) => set(j, 'model.layers.0.config.kernelInitializer.config.gain', 2),
      /config\.kernelInitializer\.config has unknown field "gain"; expected only no fields$/,
    ],
    [
      'regularizer with a bad factor',
      (j) => set(j, 'model.layers.0.config.kernelRegularizer.config.factor', -1),
      /config\.kernelRegularizer\.config is invalid: l2: factor must be a finite number >= 0, got -1$/,
    ],
    [
      'regularizer config not numbers',
      (j) => set(j, 'model.layers.0.config.kernelRegularizer.config.factor', 'x'),
      /config\.kernelRegularizer\.config\.factor must be a finite number, got "x"$/,
    ],
    [
      'layer regularizers disagree with config',
      (j) => set(j, 'model.layers.0.regularizers.params.kernel.config.factor', 0.5),
      /^fromJSON: model\.layers\[0\]\.regularizers must match the layer's config: the rebuilt layer has .*"factor":0\.01.*the file says .*"factor":0\.5/,
    ],
    [
      'layer regularizers missing',
      (j) => del(j, 'model.layers.0.regularizers'),
      /model\.layers\[0\]\.regularizers must match the layer's config: .* the file says none$/,
    ],
    [
      'dropout rate 1',
      (j) => set(j, 'model.layers.1.config.rate', 1),
      /^fromJSON: model\.layers\[1\]\.config\.rate must be a finite number >= 0 and < 1, got 1$/,
    ],
    [
      'dropout with a weight',
      (j) => set(j, 'model.layers.1.weights.w', get(j, 'model.layers.0.weights.bias')),
      /^fromJSON: model\.layers\[1\]\.weights has unknown weight "w"; expected none for a dropout layer$/,
    ],
    // weights
    [
      'missing weight',
      (j) => del(j, 'model.layers.0.weights.bias'),
      /^fromJSON: model\.layers\[0\]\.weights is missing the weight "bias" for a dense layer with inputs 4 and units 3$/,
    ],
    [
      'extra weight',
      (j) => set(j, 'model.layers.0.weights.gamma', get(j, 'model.layers.0.weights.bias')),
      /^fromJSON: model\.layers\[0\]\.weights has unknown weight "gamma"; expected only kernel, bias for a dense layer/,
    ],
    [
      'weight not an object',
      (j) => set(j, 'model.layers.0.weights.kernel', 'AAAA'),
      /^fromJSON: model\.layers\[0\]\.weights\.kernel must be an object, got "AAAA"$/,
    ],
    [
      'unknown weight field',
      (j) => set(j, 'model.layers.0.weights.kernel.order', 'F'),
      /weights\.kernel has unknown field "order"; expected only dtype, shape, data$/,
    ],
    [
      'shape/config mismatch',
      (j) => set(j, 'model.layers.2.weights.kernel.shape', [3, 3]),
      /^fromJSON: model\.layers\[2\]\.weights\.kernel\.shape must be \[3,2\] for a dense layer with inputs 3 and units 2, got \[3,3\]$/,
    ],
    [
      'transposed kernel',
      (j) => set(j, 'model.layers.0.weights.kernel.shape', [3, 4]),
      /weights\.kernel\.shape must be \[4,3\] for a dense layer with inputs 4 and units 3, got \[3,4\]$/,
    ],
    [
      'weight dtype differs from config',
      (j) => set(j, 'model.layers.0.weights.kernel.dtype', 'float64'),
      /weights\.kernel\.dtype must be "float32" to match config\.dtype, got "float64"$/,
    ],
    [
      'unknown dtype',
      (j) => set(j, 'model.layers.0.weights.kernel.dtype', 'bfloat16'),
      /weights\.kernel\.dtype must be one of "float32", "float64", got "bfloat16"$/,
    ],
    [
      'negative dimension',
      (j) => set(j, 'model.layers.0.weights.bias.shape', [-3]),
      /weights\.bias\.shape\[0\] must be an integer in \[0, 1073741824\], got -3$/,
    ],
    [
      'fractional dimension',
      (j) => set(j, 'model.layers.0.weights.bias.shape', [1.5]),
      /weights\.bias\.shape\[0\] must be an integer in \[0, 1073741824\], got 1\.5$/,
    ],
    [
      'huge dimension',
      (j) => set(j, 'model.layers.0.weights.bias.shape', [2 ** 31]),
      /weights\.bias\.shape\[0\] must be an integer in \[0, 1073741824\], got 2147483648$/,
    ],
    [
      'too many dimensions',
      (j) => set(j, 'model.layers.0.weights.bias.shape', [1, 1, 1, 1, 1, 1, 1, 1, 3]),
      /weights\.bias\.shape must be an array of at most 8 entries/,
    ],
    [
      'shape not an array',
      (j) => set(j, 'model.layers.0.weights.bias.shape', 3),
      /weights\.bias\.shape must be an array, got 3$/,
    ],
    [
      'truncated base64',
      (j) =>
        set(
          j,
          'model.layers.0.weights.kernel.data',
          (get(j, 'model.layers.0.weights.kernel.data') as string).slice(0, -4),
        ),
      /^fromJSON: model\.layers\[0\]\.weights\.kernel\.data must be base64 of 48 bytes \(64 characters\), got 60 characters$/,
    ],
    [
      'wrong byte length (bytes for 2 elements, shape of 3)',
      (j) => set(j, 'model.layers.0.weights.bias.data', 'AAAAAAAAAAA='),
      /weights\.bias\.data must be base64 of 12 bytes \(16 characters\), got 12 characters$/,
    ],
    [
      'base64 with a bad character',
      (j) => set(j, 'model.layers.0.weights.bias.data', 'AAAA*AAAAAAAAAAA'),
      /weights\.bias\.data is not valid base64: unexpected character "\*" at offset 4$/,
    ],
    [
      'data not a string',
      (j) => set(j, 'model.layers.0.weights.bias.data', [0, 0, 0]),
      /weights\.bias\.data must be a base64 string, got \[0,0,0\]$/,
    ],
    // chaining
    [
      'layers that do not chain',
      (j) => {
        set(j, 'model.layers.2.config.inputs', 5);
        set(j, 'model.layers.2.weights.kernel', {
          dtype: 'float32',
          shape: [5, 2],
          data: 'A'.repeat(52) + 'AA==',
        });
      },
      /^fromJSON: model\.layers is invalid: sequential: layer 2 \(dense\) expects input shape \[5\] but layer 1 \(dropout\) outputs \[3\]$/,
    ],
  ];

  for (const [name, f, re] of cases) {
    it(name, () => {
      expect(errorOf(f)).toMatch(re);
    });
  }

  it('rejects non-objects at the top level and non-JSON text', () => {
    for (const v of [null, undefined, 42, true, [good], new Map()]) {
      expect(formatErrorOf(() => fromJSON(v))).toMatch(
        /^fromJSON: the document must be an object \(a saved model, as toJSON returns\), got /,
      );
    }
    expect(formatErrorOf(() => fromJSON('{"format": '))).toMatch(
      /^fromJSON: the document is not valid JSON: /,
    );
    expect(formatErrorOf(() => fromJSON('"myelin.model"'))).toMatch(
      /the document must be an object/,
    );
  });

  it('rejects class instances where plain objects belong', () => {
    expect(errorOf((j) => set(j, 'model.layers.0.weights', new Map()))).toMatch(
      /weights must be an object, got an object/,
    );
    expect(errorOf((j) => set(j, 'model.layers.0.config', new Date(0)))).toMatch(
      /model\.layers\[0\]\.config must be an object/,
    );
  });

  it('rejects shapes too large to allocate, before allocating', () => {
    // inputs and units are each allowed, but [2^20, 2^20] is 2^40 elements.
    const msg = errorOf((j) => {
      set(j, 'model.layers.0.config.inputs', 2 ** 20);
      set(j, 'model.layers.0.config.units', 2 ** 20);
      set(j, 'model.layers.0.weights.kernel.shape', [2 ** 20, 2 ** 20]);
    });
    expect(msg).toBe(
      'fromJSON: model.layers[0].weights.kernel.shape has 1099511627776 elements, more than the limit of 268435456',
    );
    // The limit is an option.
    expect(formatErrorOf(() => fromJSON(viaText(good), { maxElements: 6 }))).toBe(
      'fromJSON: model.layers[0].weights.kernel.shape has 12 elements, more than the limit of 6',
    );
  });

  it('refuses __proto__, constructor and prototype keys at any level, leaving Object.prototype untouched', () => {
    const protoKeys = Object.getOwnPropertyNames(Object.prototype).sort();
    const text = JSON.stringify(good);
    const inject = (where: string, key: string): unknown =>
      JSON.parse(text.replace(where, `${where}"${key}":{"polluted":true},`)) as unknown;
    const spots: [string, RegExp][] = [
      ['{', /^fromJSON: the document has a forbidden key "__proto__"$/],
      ['"model":{', /^fromJSON: model has a forbidden key "__proto__"$/],
      ['"config":{', /^fromJSON: model\.layers\[0\]\.config has a forbidden key "__proto__"$/],
      ['"weights":{', /^fromJSON: model\.layers\[0\]\.weights has a forbidden key "__proto__"$/],
      [
        '"activationConfig":{',
        /^fromJSON: model\.layers\[0\]\.config\.activationConfig has a forbidden key "__proto__"$/,
      ],
      [
        '"regularizers":{',
        /^fromJSON: model\.layers\[0\]\.regularizers has a forbidden key "__proto__"$/,
      ],
    ];
    for (const [where, re] of spots) {
      const doc = inject(where, '__proto__');
      // JSON.parse makes "__proto__" an own key; it has not touched any prototype.
      expect(formatErrorOf(() => fromJSON(doc))).toMatch(re);
      expect(
        formatErrorOf(() =>
          fromJSON(text.replace(where, `${where}"__proto__":{"polluted":true},`)),
        ),
      ).toMatch(re);
      for (const key of ['constructor', 'prototype']) {
        expect(formatErrorOf(() => fromJSON(inject(where, key)))).toContain(
          `has a forbidden key "${key}"`,
        );
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoKeys);
  });

  it('never returns a half-built model: the failure comes before anything is handed back', () => {
    // The last layer is bad; the first ones were fine but nothing escapes.
    let result: unknown = 'untouched';
    try {
      result = fromJSON(tampered((j) => set(j, 'model.layers.3.config.activation', 'nope')));
    } catch (e) {
      expect(e).toBeInstanceOf(ModelFormatError);
    }
    expect(result).toBe('untouched');
  });

  it('checks the loader options themselves (a programming error, so a ValueError)', () => {
    expect(() => fromJSON(good, { layer: {} } as never)).toThrow(ValueError);
    expect(() => fromJSON(good, { layer: {} } as never)).toThrow(
      /fromJSON: unknown option "layer" in options/,
    );
    expect(() => fromJSON(good, { maxElements: -1 })).toThrow(
      /options\.maxElements must be an integer/,
    );
    expect(() => fromJSON(good, null as never)).toThrow(/fromJSON: options must be an object/);
  });
});
