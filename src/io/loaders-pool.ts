import {
  globalAvgPool1d,
  globalAvgPool2d,
  globalMaxPool1d,
  globalMaxPool2d,
  type GlobalPoolOptions,
} from '../layers/global-pool.js';
import type { Layer } from '../layers/layer.js';
import { avgPool1d, avgPool2d, maxPool1d, maxPool2d } from '../layers/pool.js';
import { spatialDropout1d, spatialDropout2d } from '../layers/spatial-dropout.js';
import { upSampling2d } from '../layers/up-sampling.js';
import { zeroPadding2d } from '../layers/zero-padding.js';
import {
  LIMITS,
  at,
  formatError,
  readArray,
  readNumber,
  readObject,
  readOneOf,
  readString,
  type Where,
} from './_check.js';
import { build } from './kinds.js';
import type { LayerLoader, RawLayer } from './layer-loaders.js';

// Loaders of the pooling, padding, up-sampling and spatial dropout layers
// (none has weights): every config field is checked with its path, then the
// layer's own factory is called, as in layer-loaders.ts.

function readName(w: Where, c: Record<string, unknown>): { name?: string } {
  return 'name' in c ? { name: readString(at(w, 'name'), c.name) } : {};
}

function noWeights(w: Where, raw: RawLayer, kind: string): void {
  for (const key of raw.weights.keys())
    formatError(
      at(w, 'weights'),
      `has unknown weight ${JSON.stringify(key)}; expected none for a ${kind} layer`,
    );
}

/** An integer in [min, maxDimension]. */
function readSize(w: Where, v: unknown, min = 1): number {
  return readNumber(w, v, { integer: true, min, max: LIMITS.maxDimension });
}

/** A pair of integers in [min, maxDimension]. */
function readPair(w: Where, v: unknown, min = 1): [number, number] {
  const a = readArray(w, v, 2);
  if (a.length !== 2) formatError(w, `must be a pair of integers, got ${a.length} entries`);
  return [readSize(at(w, 0), a[0], min), readSize(at(w, 1), a[1], min)];
}

const PADDINGS = ['valid', 'same'] as const;

/** A pool's padding: 'valid', 'same', or explicit pads per axis (`[before, after]`, each below the pool). */
function readPoolPadding(
  w: Where,
  v: unknown,
  pool: readonly number[],
): (typeof PADDINGS)[number] | [number, number] | [[number, number], [number, number]] {
  if (typeof v === 'string') return readOneOf(w, v, PADDINGS);
  const pads = (pw: Where, x: unknown, k: number): [number, number] => {
    const p = readPair(pw, x, 0);
    if (p[0] >= k || p[1] >= k)
      formatError(pw, `must be smaller than the pool size ${k}, got [${p.join(', ')}]`);
    return p;
  };
  if (pool.length === 1) return pads(w, v, pool[0]!);
  const a = readArray(w, v, 2);
  if (a.length !== 2)
    formatError(w, `must be [[top, bottom], [left, right]], got ${a.length} entries`);
  return [pads(at(w, 0), a[0], pool[0]!), pads(at(w, 1), a[1], pool[1]!)];
}

/** `maxPool2d` / `avgPool2d`: config `{ poolSize: [h, w], strides: [h, w], padding, name? }`. */
function loadPool2d(kind: 'maxPool2d' | 'avgPool2d'): LayerLoader {
  const make = kind === 'maxPool2d' ? maxPool2d : avgPool2d;
  return (w, raw) => {
    const wc = at(w, 'config');
    const c = readObject(
      wc,
      raw.config,
      ['poolSize', 'strides', 'padding', 'name'],
      ['poolSize', 'strides', 'padding'],
    );
    const poolSize = readPair(at(wc, 'poolSize'), c.poolSize);
    const strides = readPair(at(wc, 'strides'), c.strides);
    const padding = readPoolPadding(at(wc, 'padding'), c.padding, poolSize) as
      'valid' | [[number, number], [number, number]];
    const name = readName(wc, c);
    noWeights(w, raw, kind);
    return build(w, (): Layer => make(poolSize, { strides, padding, ...name }));
  };
}

/** `maxPool1d` / `avgPool1d`: config `{ poolSize, strides, padding, name? }`. */
function loadPool1d(kind: 'maxPool1d' | 'avgPool1d'): LayerLoader {
  const make = kind === 'maxPool1d' ? maxPool1d : avgPool1d;
  return (w, raw) => {
    const wc = at(w, 'config');
    const c = readObject(
      wc,
      raw.config,
      ['poolSize', 'strides', 'padding', 'name'],
      ['poolSize', 'strides', 'padding'],
    );
    const poolSize = readSize(at(wc, 'poolSize'), c.poolSize);
    const strides = readSize(at(wc, 'strides'), c.strides);
    const padding = readPoolPadding(at(wc, 'padding'), c.padding, [poolSize]) as
      'valid' | [number, number];
    const name = readName(wc, c);
    noWeights(w, raw, kind);
    return build(w, (): Layer => make(poolSize, { strides, padding, ...name }));
  };
}

/** The global pools: config `{ name? }`. */
function loadGlobal(kind: string, make: (o: GlobalPoolOptions) => Layer): LayerLoader {
  return (w, raw) => {
    const wc = at(w, 'config');
    const c = readObject(wc, raw.config, ['name'], []);
    const name = readName(wc, c);
    noWeights(w, raw, kind);
    return build(w, () => make(name));
  };
}

/** `zeroPadding2d`: config `{ padding: [[top, bottom], [left, right]], name? }`. */
const loadZeroPadding2d: LayerLoader = (w, raw) => {
  const wc = at(w, 'config');
  const c = readObject(wc, raw.config, ['padding', 'name'], ['padding']);
  const wp = at(wc, 'padding');
  const p = readArray(wp, c.padding, 2);
  if (p.length !== 2)
    formatError(wp, `must be [[top, bottom], [left, right]], got ${p.length} entries`);
  const rows = readPair(at(wp, 0), p[0], 0);
  const cols = readPair(at(wp, 1), p[1], 0);
  const name = readName(wc, c);
  noWeights(w, raw, 'zeroPadding2d');
  return build(w, () => zeroPadding2d([rows, cols], name));
};

/** `upSampling2d`: config `{ size: [h, w], interpolation, name? }`. */
const loadUpSampling2d: LayerLoader = (w, raw) => {
  const wc = at(w, 'config');
  const c = readObject(
    wc,
    raw.config,
    ['size', 'interpolation', 'name'],
    ['size', 'interpolation'],
  );
  const size = readPair(at(wc, 'size'), c.size);
  const interpolation = readOneOf(at(wc, 'interpolation'), c.interpolation, [
    'nearest',
    'bilinear',
  ] as const);
  const name = readName(wc, c);
  noWeights(w, raw, 'upSampling2d');
  return build(w, () => upSampling2d(size, { interpolation, ...name }));
};

/** `spatialDropout1d` / `spatialDropout2d`: config `{ rate, seed?, name? }`. */
function loadSpatialDropout(kind: 'spatialDropout1d' | 'spatialDropout2d'): LayerLoader {
  const make = kind === 'spatialDropout1d' ? spatialDropout1d : spatialDropout2d;
  return (w, raw) => {
    const wc = at(w, 'config');
    const c = readObject(wc, raw.config, ['rate', 'seed', 'name'], ['rate']);
    const rate = readNumber(at(wc, 'rate'), c.rate, { min: 0, max: 1, maxExclusive: true });
    const seed =
      'seed' in c
        ? {
            seed: readNumber(at(wc, 'seed'), c.seed, {
              integer: true,
              min: 0,
              max: Number.MAX_SAFE_INTEGER,
            }),
          }
        : {};
    const name = readName(wc, c);
    noWeights(w, raw, kind);
    return build(w, (): Layer => make(rate, { ...seed, ...name }));
  };
}

/** The loaders of this family, by kind, for the registry. */
export function poolLoaders(): [string, LayerLoader][] {
  return [
    ['maxPool2d', loadPool2d('maxPool2d')],
    ['avgPool2d', loadPool2d('avgPool2d')],
    ['maxPool1d', loadPool1d('maxPool1d')],
    ['avgPool1d', loadPool1d('avgPool1d')],
    ['globalAvgPool2d', loadGlobal('globalAvgPool2d', globalAvgPool2d)],
    ['globalMaxPool2d', loadGlobal('globalMaxPool2d', globalMaxPool2d)],
    ['globalAvgPool1d', loadGlobal('globalAvgPool1d', globalAvgPool1d)],
    ['globalMaxPool1d', loadGlobal('globalMaxPool1d', globalMaxPool1d)],
    ['zeroPadding2d', loadZeroPadding2d],
    ['upSampling2d', loadUpSampling2d],
    ['spatialDropout1d', loadSpatialDropout('spatialDropout1d')],
    ['spatialDropout2d', loadSpatialDropout('spatialDropout2d')],
  ];
}
