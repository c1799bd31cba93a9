// toJSON / fromJSON of the pooling, padding, up-sampling and spatial dropout
// layers: configs survive bit for bit, the rebuilt model predicts the same
// bits, and corrupt configs fail with a ModelFormatError naming the field.
import { describe, expect, it } from 'vitest';
import { fromJSON, toJSON } from '../../src/io/index.js';
import { dense } from '../../src/layers/dense.js';
import { flatten } from '../../src/layers/flatten.js';
import {
  globalAvgPool1d,
  globalAvgPool2d,
  globalMaxPool1d,
  globalMaxPool2d,
} from '../../src/layers/global-pool.js';
import type { Layer } from '../../src/layers/layer.js';
import { avgPool1d, avgPool2d, maxPool1d, maxPool2d } from '../../src/layers/pool.js';
import { spatialDropout1d, spatialDropout2d } from '../../src/layers/spatial-dropout.js';
import { upSampling2d } from '../../src/layers/up-sampling.js';
import { zeroPadding2d } from '../../src/layers/zero-padding.js';
import { predict } from '../../src/models/predict.js';
import { graph } from '../../src/models/graph.js';
import type { Model } from '../../src/models/model.js';
import { sequential } from '../../src/models/sequential.js';
import { input } from '../../src/layers/symbolic.js';
import { createRng } from '../../src/random/rng.js';
import { tensor, type TensorLike } from '../../src/tensor/create.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { expectBitEqual, formatErrorOf, viaText } from './_helpers.js';

function data(shape: number[], dtype: 'float32' | 'float64' = 'float32') {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(
    Array.from({ length: n }, (_, i) => Math.sin(1.37 * i + 0.4) * 3),
    { shape, dtype },
  );
}

/** A graph model applying `layers` in order to an input of per-sample `shape`. */
function chain(shape: number[], layers: Layer[]): Model<TensorLike, Tensor> {
  const x = input(shape);
  let h = x;
  for (const l of layers) h = l.apply!(h);
  return graph({ inputs: x, outputs: h });
}

describe('toJSON / fromJSON: spatial layers', () => {
  it('an image model with every 2-D layer predicts the same bits after a round trip', () => {
    const rng = createRng(1);
    const layers: Layer[] = [
      zeroPadding2d([
        [1, 0],
        [2, 1],
      ]),
      dense(3, 4, { rng }),
      spatialDropout2d(0.3, { seed: 2, name: 'sd' }),
      maxPool2d([2, 3], { strides: [1, 2], padding: 'same' }),
      upSampling2d([2, 1], { interpolation: 'bilinear' }),
      avgPool2d(2, { padding: 'same', name: 'avg' }),
      avgPool2d(3, {
        strides: 1,
        padding: [
          [1, 1],
          [2, 0],
        ],
      }),
      upSampling2d(2),
      maxPool2d(2),
      globalMaxPool2d(),
      dense(4, 2, { rng }),
    ];
    const model = chain([5, 6, 3], layers);
    const json = viaText(toJSON(model));
    expect(json.model.layers.map((l) => l.kind)).toEqual([
      'zeroPadding2d',
      'dense',
      'spatialDropout2d',
      'maxPool2d',
      'upSampling2d',
      'avgPool2d',
      'avgPool2d',
      'upSampling2d',
      'maxPool2d',
      'globalMaxPool2d',
      'dense',
    ]);
    expect(json.model.layers[3]!.config).toEqual({
      poolSize: [2, 3],
      strides: [1, 2],
      padding: 'same',
    });
    const back = fromJSON(json);
    back.layers.forEach((l, i) => {
      expect(l.config).toEqual(model.layers[i]!.config);
    });
    for (const dtype of ['float32', 'float64'] as const) {
      const x = data([3, 5, 6, 3], dtype);
      expectBitEqual(predict(back, x), predict(model, x));
    }
    // the same again after a second trip (nothing drifts)
    expect(viaText(toJSON(back))).toEqual(json);
  });

  it('a sequence model with every 1-D layer and the other global pools', () => {
    const rng = createRng(2);
    const model = chain(
      [7, 3],
      [
        maxPool1d(2, { strides: 1 }),
        spatialDropout1d(0.2),
        avgPool1d(3, { padding: 'same' }),
        maxPool1d(3, { strides: 2, padding: [1, 2] }),
        dense(3, 3, { rng }),
        globalAvgPool1d({ name: 'gap' }),
      ],
    );
    const back = fromJSON(viaText(toJSON(model)));
    const x = data([4, 7, 3]);
    expectBitEqual(predict(back, x), predict(model, x));
    for (const layer of [globalMaxPool1d(), globalAvgPool2d()]) {
      const m = sequential([layer]);
      const b = fromJSON(viaText(toJSON(m)));
      expect(b.layers[0]!.kind).toBe(layer.kind);
      const xx = layer.kind === 'globalMaxPool1d' ? data([2, 3, 4]) : data([2, 3, 2, 4]);
      expectBitEqual(predict(b, xx), predict(m, xx));
    }
    // flatten after pooling, too
    const f = sequential([maxPool2d(2), flatten()]);
    expectBitEqual(
      predict(fromJSON(viaText(toJSON(f))), data([1, 4, 4, 2])),
      predict(f, data([1, 4, 4, 2])),
    );
  });

  it('lists every kind of this family among the known kinds', () => {
    const d = viaText(toJSON(sequential([maxPool2d(2)]))) as unknown as {
      model: { layers: { kind: string }[] };
    };
    d.model.layers[0]!.kind = 'maxPool3d';
    const msg = formatErrorOf(() => fromJSON(d as never));
    expect(msg).toMatch(/^fromJSON: model\.layers\[0\]\.kind must be a known layer kind \(/);
    for (const kind of [
      'maxPool2d',
      'avgPool2d',
      'maxPool1d',
      'avgPool1d',
      'globalAvgPool2d',
      'globalMaxPool2d',
      'globalAvgPool1d',
      'globalMaxPool1d',
      'zeroPadding2d',
      'upSampling2d',
      'spatialDropout1d',
      'spatialDropout2d',
    ])
      expect(msg).toMatch(new RegExp(`[(,] ?${kind}[,;]`));
  });

  it('rejects corrupt configs, naming the field', () => {
    const doc = () =>
      viaText(
        toJSON(
          sequential([
            maxPool2d(2),
            zeroPadding2d(1),
            upSampling2d(2),
            spatialDropout2d(0.5),
            maxPool1d(2),
          ]),
        ),
      ) as unknown as { model: { layers: { config: Record<string, unknown>; weights: object }[] } };
    const tamper = (i: number, key: string, value: unknown): string => {
      const d = doc();
      d.model.layers[i]!.config[key] = value;
      return formatErrorOf(() => fromJSON(d as never));
    };
    expect(tamper(0, 'poolSize', [2, 0])).toMatch(
      /^fromJSON: model\.layers\[0\]\.config\.poolSize\[1\] must be an integer >= 1/,
    );
    expect(tamper(0, 'poolSize', [2, 2, 2])).toMatch(
      /config\.poolSize must be an array of at most 2/,
    );
    expect(tamper(0, 'strides', 2)).toMatch(/config\.strides must be an array, got 2/);
    expect(tamper(0, 'padding', 'full')).toMatch(
      /config\.padding must be one of "valid", "same", got "full"/,
    );
    expect(
      tamper(0, 'padding', [
        [0, 2],
        [0, 0],
      ]),
    ).toMatch(/config\.padding\[0\] must be smaller than the pool size 2, got \[0, 2\]/);
    expect(tamper(4, 'padding', [1, -1])).toMatch(/config\.padding\[1\] must be an integer >= 0/);
    expect(tamper(0, 'dilation', 1)).toMatch(/config has unknown field "dilation"/);
    expect(
      tamper(1, 'padding', [
        [1, -1],
        [0, 0],
      ]),
    ).toMatch(/model\.layers\[1\]\.config\.padding\[0\]\[1\] must be an integer >= 0/);
    expect(tamper(1, 'padding', [1, 1])).toMatch(/config\.padding\[0\] must be an array, got 1/);
    expect(tamper(2, 'interpolation', 'area')).toMatch(/config\.interpolation must be one of/);
    expect(tamper(3, 'rate', 1)).toMatch(/config\.rate must be a finite number >= 0 and < 1/);
    expect(tamper(4, 'poolSize', 1.5)).toMatch(/config\.poolSize must be an integer >= 1/);
    const d = doc();
    (d.model.layers[0]!.weights as Record<string, unknown>).kernel = {};
    expect(formatErrorOf(() => fromJSON(d as never))).toMatch(
      /model\.layers\[0\]\.weights has unknown weight "kernel"; expected none for a maxPool2d layer/,
    );
  });
});
