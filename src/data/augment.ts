import {
  assertBoolean,
  assertKnownKeys,
  assertNumber,
  assertOneOf,
  assertOptions,
  fail,
} from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { fmtShape } from '../_lib/shape.js';
import { allocate, type FloatArray } from '../_lib/typed.js';
import type { Rng } from '../random/rng.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * A batch in, a batch out: inputs `x` and targets `y` (batch first), with the
 * random stream to draw from. The type of `fit`'s `transform` option and of
 * every augmentation here, so they compose with {@link compose}.
 */
export type BatchTransform = (x: Tensor, y: Tensor, rng: Rng) => { x: Tensor; y: Tensor };

/**
 * An image augmentation made by one of the factories here (`randomFlip`,
 * `randomShift`, ...): a {@link BatchTransform} that changes the images and
 * passes the targets through, which also says what it is (`kind`, `config`)
 * and offers `apply(x, rng)` for images alone.
 *
 * Images are channels-last batches `[batch, height, width, channels]`, as
 * every image in myelin. Each image of the batch draws its own parameters
 * from `rng`, in batch order, so a seeded stream gives the same result every
 * run; the input is never modified (the result is a new tensor). The `rng`
 * is checked before any draw for the methods the augmentation uses (`integer`
 * for randomShift, `uniform` and `integer` for randomCutout, `normal` for
 * randomNoise, `uniform` for the rest), so a hand-made object that lacks
 * one is refused with `rng must be an Rng`.
 */
export interface ImageAugmentation extends BatchTransform {
  /** The factory's name, e.g. `'randomFlip'`. */
  readonly kind: string;
  /** The options with defaults filled in (JSON-able). */
  readonly config: Readonly<Record<string, unknown>>;
  /** Augments a batch of images `[batch, height, width, channels]`; a new tensor of the same shape and dtype. */
  readonly apply: (x: Tensor, rng: Rng) => Tensor;
}

/** How pixels that come from outside the image are filled. */
export type FillMode = 'constant' | 'nearest';

/** The input checked as a batch of images: batch, height, width, channels. */
function images(fn: string, x: unknown): [number, number, number, number] {
  if (!(x instanceof Tensor))
    fail(fn, 'x', 'a Tensor of images [batch, height, width, channels]', x);
  if (x.rank !== 4)
    throw new ShapeError(
      `${fn}: x must be a batch of images [batch, height, width, channels] (channels last), got shape ${fmtShape(x.shape)}`,
    );
  if (x.dtype === 'int32')
    throw new ValueError(
      `${fn}: x must be float32 or float64 images, got int32 (convert with cast)`,
    );
  const [n, h, w, c] = x.shape as [number, number, number, number];
  return [n, h, w, c];
}

// The rng is checked for every method the augmentation draws with (as
// rngOption does for the data helpers), so a hand-made object lacking one
// fails here with the usual message rather than inside the loop with a
// TypeError.
function checkRng(fn: string, rng: unknown, methods: readonly (keyof Rng)[]): Rng {
  const r = rng as Partial<Rng> | null;
  if (r === null || typeof r !== 'object' || methods.some((m) => typeof r[m] !== 'function'))
    fail(fn, 'rng', 'an Rng (createRng(seed))', rng);
  return rng as Rng;
}

function optionsOf(fn: string, options: unknown, keys: readonly string[]): Record<string, unknown> {
  assertOptions(fn, options);
  assertKnownKeys(fn, 'options', options, keys);
  return options as Record<string, unknown>;
}

function checkClip(fn: string, clip: unknown): readonly [number, number] | null {
  if (clip === undefined) return null;
  if (
    !Array.isArray(clip) ||
    clip.length !== 2 ||
    typeof clip[0] !== 'number' ||
    typeof clip[1] !== 'number' ||
    !(clip[0] < clip[1])
  )
    fail(fn, 'clip', 'a pair [low, high] with low < high', clip);
  return [clip[0], clip[1]];
}

/** Builds an augmentation from its per-batch image function. */
function augmentation(
  kind: string,
  config: Record<string, unknown>,
  draws: readonly (keyof Rng)[],
  run: (x: Tensor, out: FloatArray, rng: Rng) => void,
): ImageAugmentation {
  const apply = (x: Tensor, rng: Rng): Tensor => {
    images(kind, x);
    checkRng(kind, rng, draws);
    const out = allocate(x.dtype as 'float32' | 'float64', x.size);
    run(x, out, rng);
    return new Tensor(out, x.shape);
  };
  const t: BatchTransform = (x, y, rng) => ({ x: apply(x, rng), y });
  return Object.assign(t, { kind, config: Object.freeze(config), apply });
}

/**
 * Chains transforms: the batch goes through each in order, all drawing from
 * the same stream. The result is itself a {@link BatchTransform}, ready for
 * `fit`'s `transform` option; a plain function `(x, y, rng) => ({ x, y })`
 * (for example one calling {@link mixup}) may be one of the steps.
 *
 * @example
 * ```ts
 * import { compose, randomFlip, randomShift, createRng, zeros } from 'myelin';
 * const augment = compose([randomFlip(), randomShift({ height: 0.1, width: 0.1 })]);
 * const { x } = augment(zeros([2, 28, 28, 1]), zeros([2]), createRng(0));
 * console.log(x.shape); // [2, 28, 28, 1]
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function compose(steps: readonly BatchTransform[]): BatchTransform {
  if (!Array.isArray(steps)) fail('compose', 'steps', 'an array of transforms', steps);
  steps.forEach((s, i) => {
    if (typeof s !== 'function')
      fail('compose', `steps[${i}]`, 'a transform (x, y, rng) => ({ x, y })', s);
  });
  const list: readonly BatchTransform[] = steps.slice();
  return (x, y, rng) => {
    let batch = { x, y };
    for (let i = 0; i < list.length; i++) {
      const out: unknown = list[i]!(batch.x, batch.y, rng);
      const o = out as { x?: unknown; y?: unknown } | null;
      if (
        o === null ||
        typeof o !== 'object' ||
        !(o.x instanceof Tensor) ||
        !(o.y instanceof Tensor)
      )
        fail('compose', `steps[${i}]`, 'a transform returning { x: Tensor, y: Tensor }', out);
      batch = { x: o.x, y: o.y };
    }
    return batch;
  };
}

// ---------------------------------------------------------------- flips

/** Options of {@link randomFlip}. */
export interface RandomFlipOptions {
  /** Flip left-right (default true). */
  horizontal?: boolean;
  /** Flip upside down (default false). */
  vertical?: boolean;
  /** Chance of each enabled flip, per image (default 0.5). */
  probability?: number;
}

/**
 * Mirrors each image left-right (and, if asked, upside down), each flip with
 * probability `probability` per image (Keras's `RandomFlip`). Per image, one
 * uniform draw for the horizontal flip, then one for the vertical, for those
 * enabled.
 *
 * @example
 * ```ts
 * import { randomFlip, createRng, tensor } from 'myelin';
 * const x = tensor([[[[1], [2], [3]]]]); // one 1x3 image, one channel
 * const always = randomFlip({ probability: 1 });
 * console.log(always.apply(x, createRng(0)).toArray()); // [[[[3], [2], [1]]]]
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function randomFlip(options: RandomFlipOptions = {}): ImageAugmentation {
  const FN = 'randomFlip';
  const o = optionsOf(FN, options, ['horizontal', 'vertical', 'probability']);
  const horizontal = assertBoolean(FN, 'horizontal', o['horizontal'] ?? true);
  const vertical = assertBoolean(FN, 'vertical', o['vertical'] ?? false);
  const p = assertNumber(FN, 'probability', o['probability'] ?? 0.5, { min: 0, max: 1 });
  if (!horizontal && !vertical)
    throw new ValueError(`${FN}: horizontal and vertical are both false; enable at least one`);
  return augmentation(FN, { horizontal, vertical, probability: p }, ['uniform'], (x, out, rng) => {
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const src = x.data as FloatArray;
    const size = h * w * c;
    for (let b = 0; b < n; b++) {
      const fx = horizontal && rng.uniform() < p;
      const fy = vertical && rng.uniform() < p;
      const base = b * size;
      for (let i = 0; i < h; i++) {
        const si = fy ? h - 1 - i : i;
        for (let j = 0; j < w; j++) {
          const sj = fx ? w - 1 - j : j;
          const o0 = base + (i * w + j) * c;
          const s0 = base + (si * w + sj) * c;
          for (let k = 0; k < c; k++) out[o0 + k] = src[s0 + k]!;
        }
      }
    }
  });
}

// ---------------------------------------------------------------- shifts

/** Options of {@link randomShift}. */
export interface RandomShiftOptions {
  /** Largest vertical shift as a fraction of the height, in [0, 1) (default 0.1). */
  height?: number;
  /** Largest horizontal shift as a fraction of the width, in [0, 1) (default 0.1). */
  width?: number;
  /** `'constant'` fills uncovered pixels with `value`; `'nearest'` repeats the edge (default `'constant'`). */
  fill?: FillMode;
  /** The fill value of `'constant'` (default 0). */
  value?: number;
}

/**
 * Translates each image by a whole number of pixels (Keras's
 * `RandomTranslation`, without interpolation so pixels keep their values):
 * per image, a row shift drawn uniformly from the integers
 * in [-⌊height·H⌋, ⌊height·H⌋], then a column shift likewise. A positive shift
 * moves the content down or right; the uncovered border is filled with
 * `value` or by repeating the nearest edge pixel. A nonzero fraction that
 * allows no whole pixel on the images given (⌊height·H⌋ = 0) is refused
 * rather than leaving every image as it is.
 *
 * @example
 * ```ts
 * import { randomShift, createRng, zeros } from 'myelin';
 * const shift = randomShift({ height: 0.1, width: 0.1, fill: 'nearest' });
 * console.log(shift.apply(zeros([4, 28, 28, 1]), createRng(0)).shape); // [4, 28, 28, 1]
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function randomShift(options: RandomShiftOptions = {}): ImageAugmentation {
  const FN = 'randomShift';
  const o = optionsOf(FN, options, ['height', 'width', 'fill', 'value']);
  const hf = assertNumber(FN, 'height', o['height'] ?? 0.1, { min: 0, max: 1, maxExclusive: true });
  const wf = assertNumber(FN, 'width', o['width'] ?? 0.1, { min: 0, max: 1, maxExclusive: true });
  const fill = assertOneOf<FillMode>(FN, 'fill', o['fill'] ?? 'constant', ['constant', 'nearest']);
  const value = assertNumber(FN, 'value', o['value'] ?? 0);
  return augmentation(FN, { height: hf, width: wf, fill, value }, ['integer'], (x, out, rng) => {
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const src = x.data as FloatArray;
    const my = Math.floor(hf * h);
    const mx = Math.floor(wf * w);
    // A fraction that allows no whole pixel would leave every image as it is
    // (Keras's RandomTranslation interpolates fractions of a pixel): refused.
    for (const [name, f, d, m] of [
      ['height', hf, h, my],
      ['width', wf, w, mx],
    ] as const)
      if (f > 0 && m === 0)
        throw new ValueError(
          `${FN}: ${name} ${f} of ${d} pixels allows no whole-pixel shift (⌊${f}·${d}⌋ = 0), so no image would move; use at least 1/${d} (or 0 to shift only the other way)`,
        );
    const size = h * w * c;
    for (let b = 0; b < n; b++) {
      const dy = rng.integer(-my, my + 1);
      const dx = rng.integer(-mx, mx + 1);
      const base = b * size;
      for (let i = 0; i < h; i++) {
        let si = i - dy;
        const rowOut = si < 0 || si >= h;
        if (rowOut) si = si < 0 ? 0 : h - 1;
        for (let j = 0; j < w; j++) {
          let sj = j - dx;
          const o0 = base + (i * w + j) * c;
          if (fill === 'constant' && (rowOut || sj < 0 || sj >= w)) {
            for (let k = 0; k < c; k++) out[o0 + k] = value;
            continue;
          }
          if (sj < 0) sj = 0;
          else if (sj >= w) sj = w - 1;
          const s0 = base + (si * w + sj) * c;
          for (let k = 0; k < c; k++) out[o0 + k] = src[s0 + k]!;
        }
      }
    }
  });
}

// ---------------------------------------------------------------- rotation and zoom

/**
 * Resamples every image of `x` by an affine map about its centre, with
 * bilinear interpolation: output pixel (i, j) reads the input at
 * (cy + a·(i − cy) + b·(j − cx), cx + c·(i − cy) + d·(j − cx)), where
 * (cy, cx) = ((H − 1)/2, (W − 1)/2) and `coef(image)` gives [a, b, c, d].
 */
function warp(
  x: Tensor,
  out: FloatArray,
  fill: FillMode,
  value: number,
  coef: () => readonly [number, number, number, number],
): void {
  const [n, h, w, ch] = x.shape as [number, number, number, number];
  const src = x.data as FloatArray;
  const cy = (h - 1) / 2;
  const cx = (w - 1) / 2;
  const size = h * w * ch;
  const nearest = fill === 'nearest';
  for (let b = 0; b < n; b++) {
    const [a, bb, c, d] = coef();
    const base = b * size;
    for (let i = 0; i < h; i++) {
      const di = i - cy;
      for (let j = 0; j < w; j++) {
        const dj = j - cx;
        let sy = cy + a * di + bb * dj;
        let sx = cx + c * di + d * dj;
        if (nearest) {
          sy = sy < 0 ? 0 : sy > h - 1 ? h - 1 : sy;
          sx = sx < 0 ? 0 : sx > w - 1 ? w - 1 : sx;
        }
        const y0 = Math.floor(sy);
        const x0 = Math.floor(sx);
        const fy = sy - y0;
        const fx = sx - x0;
        // The four neighbours' weights; a neighbour outside the image reads `value`.
        const w00 = (1 - fy) * (1 - fx);
        const w01 = (1 - fy) * fx;
        const w10 = fy * (1 - fx);
        const w11 = fy * fx;
        const in0 = y0 >= 0 && y0 < h;
        const in1 = y0 + 1 >= 0 && y0 + 1 < h;
        const inL = x0 >= 0 && x0 < w;
        const inR = x0 + 1 >= 0 && x0 + 1 < w;
        const p00 = base + (y0 * w + x0) * ch;
        const p01 = p00 + ch;
        const p10 = p00 + w * ch;
        const p11 = p10 + ch;
        const o0 = base + (i * w + j) * ch;
        for (let k = 0; k < ch; k++) {
          // Zero weights are skipped so that a neighbour just past the edge
          // (weight 0 after clamping) is never read.
          let v = 0;
          if (w00 !== 0) v += w00 * (in0 && inL ? src[p00 + k]! : value);
          if (w01 !== 0) v += w01 * (in0 && inR ? src[p01 + k]! : value);
          if (w10 !== 0) v += w10 * (in1 && inL ? src[p10 + k]! : value);
          if (w11 !== 0) v += w11 * (in1 && inR ? src[p11 + k]! : value);
          out[o0 + k] = v;
        }
      }
    }
  }
}

/** Options of {@link randomRotation}. */
export interface RandomRotationOptions {
  /** Largest rotation in degrees, either way (default 10). */
  degrees?: number;
  /** `'constant'` fills pixels from outside the image with `value`; `'nearest'` repeats the edge (default `'constant'`). */
  fill?: FillMode;
  /** The fill value of `'constant'` (default 0). */
  value?: number;
}

/**
 * Rotates each image about its centre by an angle drawn uniformly
 * from [-degrees, degrees] (positive is counter-clockwise on screen, rows running
 * down), with bilinear interpolation (Keras's `RandomRotation`, whose factor
 * is a fraction of a full turn rather than degrees). Output pixel p reads the
 * input at c + R(−θ)(p − c).
 *
 * @example
 * ```ts
 * import { randomRotation, createRng, zeros } from 'myelin';
 * const rotate = randomRotation({ degrees: 15 });
 * console.log(rotate.apply(zeros([2, 28, 28, 1]), createRng(0)).shape); // [2, 28, 28, 1]
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function randomRotation(options: RandomRotationOptions = {}): ImageAugmentation {
  const FN = 'randomRotation';
  const o = optionsOf(FN, options, ['degrees', 'fill', 'value']);
  const degrees = assertNumber(FN, 'degrees', o['degrees'] ?? 10, { min: 0, max: 180 });
  const fill = assertOneOf<FillMode>(FN, 'fill', o['fill'] ?? 'constant', ['constant', 'nearest']);
  const value = assertNumber(FN, 'value', o['value'] ?? 0);
  return augmentation(FN, { degrees, fill, value }, ['uniform'], (x, out, rng) => {
    warp(x, out, fill, value, () => {
      const t = (rng.uniform(-degrees, degrees) * Math.PI) / 180;
      const cos = Math.cos(t);
      const sin = Math.sin(t);
      // Rows run down, so a counter-clockwise turn on screen reads row
      // cy + sin·dj + cos·di and column cx + cos·dj − sin·di.
      return [cos, sin, -sin, cos];
    });
  });
}

/** Options of {@link randomZoom}. */
export interface RandomZoomOptions {
  /** Zoom factors are drawn from [1 − factor, 1 + factor], factor in [0, 1) (default 0.1); above 1 magnifies. */
  factor?: number;
  /** `'constant'` fills pixels from outside the image with `value`; `'nearest'` repeats the edge (default `'constant'`). */
  fill?: FillMode;
  /** The fill value of `'constant'` (default 0). */
  value?: number;
}

/**
 * Zooms each image about its centre by a factor s drawn uniformly
 * from [1 − factor, 1 + factor], the same for both axes, with bilinear
 * interpolation: s > 1 magnifies (crops in), s < 1 shrinks and fills the
 * border. Output pixel p reads the input at c + (p − c)/s.
 *
 * @example
 * ```ts
 * import { randomZoom, createRng, zeros } from 'myelin';
 * const zoom = randomZoom({ factor: 0.1 });
 * console.log(zoom.apply(zeros([2, 28, 28, 1]), createRng(0)).shape); // [2, 28, 28, 1]
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function randomZoom(options: RandomZoomOptions = {}): ImageAugmentation {
  const FN = 'randomZoom';
  const o = optionsOf(FN, options, ['factor', 'fill', 'value']);
  const factor = assertNumber(FN, 'factor', o['factor'] ?? 0.1, {
    min: 0,
    max: 1,
    maxExclusive: true,
  });
  const fill = assertOneOf<FillMode>(FN, 'fill', o['fill'] ?? 'constant', ['constant', 'nearest']);
  const value = assertNumber(FN, 'value', o['value'] ?? 0);
  return augmentation(FN, { factor, fill, value }, ['uniform'], (x, out, rng) => {
    warp(x, out, fill, value, () => {
      const inv = 1 / rng.uniform(1 - factor, 1 + factor);
      return [inv, 0, 0, inv];
    });
  });
}

// ---------------------------------------------------------------- intensities

function clipInto(
  out: FloatArray,
  from: number,
  to: number,
  clip: readonly [number, number] | null,
): void {
  if (clip === null) return;
  const [lo, hi] = clip;
  for (let i = from; i < to; i++) {
    const v = out[i]!;
    out[i] = v < lo ? lo : v > hi ? hi : v;
  }
}

/** Options of {@link randomBrightness}. */
export interface RandomBrightnessOptions {
  /** Largest change, added to every pixel of an image (default 0.1, for pixels in [0, 1]). */
  delta?: number;
  /** Clip the result to [low, high], e.g. [0, 1] (default: no clipping). */
  clip?: readonly [number, number];
}

/**
 * Brightens or darkens each image by adding one value drawn uniformly
 * from [-delta, delta] to all its pixels (TensorFlow's `random_brightness`),
 * then clips to `clip` if given.
 *
 * @example
 * ```ts
 * import { randomBrightness, createRng, full } from 'myelin';
 * const x = full([1, 2, 2, 1], 0.5);
 * const y = randomBrightness({ delta: 0.2, clip: [0, 1] }).apply(x, createRng(0));
 * // every pixel of the image moved by the same amount, within 0.5 ± 0.2
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function randomBrightness(options: RandomBrightnessOptions = {}): ImageAugmentation {
  const FN = 'randomBrightness';
  const o = optionsOf(FN, options, ['delta', 'clip']);
  const delta = assertNumber(FN, 'delta', o['delta'] ?? 0.1, { min: 0 });
  const clip = checkClip(FN, o['clip']);
  const config = clip === null ? { delta } : { delta, clip: [...clip] };
  return augmentation(FN, config, ['uniform'], (x, out, rng) => {
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const src = x.data as FloatArray;
    const size = h * w * c;
    for (let b = 0; b < n; b++) {
      const d = rng.uniform(-delta, delta);
      const end = (b + 1) * size;
      for (let i = b * size; i < end; i++) out[i] = src[i]! + d;
      clipInto(out, b * size, end, clip);
    }
  });
}

/** Options of {@link randomContrast}. */
export interface RandomContrastOptions {
  /** Contrast factors are drawn from [1 − factor, 1 + factor], factor in [0, 1] (default 0.2). */
  factor?: number;
  /** Clip the result to [low, high], e.g. [0, 1] (default: no clipping). */
  clip?: readonly [number, number];
}

/**
 * Scales each image's contrast by a factor k drawn uniformly
 * from [1 − factor, 1 + factor]: every pixel moves away from (k > 1) or towards
 * (k < 1) its channel's mean over the image, x' = (x − m)·k + m, as
 * TensorFlow's `adjust_contrast` and Keras's `RandomContrast`; then clips to
 * `clip` if given.
 *
 * @example
 * ```ts
 * import { randomContrast, createRng, tensor } from 'myelin';
 * const x = tensor([[[[0], [1]]]]); // mean 0.5
 * const y = randomContrast({ factor: 0.5 }).apply(x, createRng(0));
 * // [[[[0.5 - d], [0.5 + d]]]] with d = 0.5·k, k in [0.5, 1.5]
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function randomContrast(options: RandomContrastOptions = {}): ImageAugmentation {
  const FN = 'randomContrast';
  const o = optionsOf(FN, options, ['factor', 'clip']);
  const factor = assertNumber(FN, 'factor', o['factor'] ?? 0.2, { min: 0, max: 1 });
  const clip = checkClip(FN, o['clip']);
  const config = clip === null ? { factor } : { factor, clip: [...clip] };
  return augmentation(FN, config, ['uniform'], (x, out, rng) => {
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const src = x.data as FloatArray;
    const size = h * w * c;
    const pixels = h * w;
    for (let b = 0; b < n; b++) {
      const k = rng.uniform(1 - factor, 1 + factor);
      const base = b * size;
      for (let ch = 0; ch < c; ch++) {
        let sum = 0;
        for (let p = base + ch; p < base + size; p += c) sum += src[p]!;
        const m = pixels > 0 ? sum / pixels : 0;
        for (let p = base + ch; p < base + size; p += c) out[p] = (src[p]! - m) * k + m;
      }
      clipInto(out, base, base + size, clip);
    }
  });
}

/** Options of {@link randomNoise}. */
export interface RandomNoiseOptions {
  /** Standard deviation of the noise (default 0.05, for pixels in [0, 1]). */
  stddev?: number;
  /** Clip the result to [low, high], e.g. [0, 1] (default: no clipping). */
  clip?: readonly [number, number];
}

/**
 * Adds Gaussian noise N(0, stddev²) to every pixel, one draw per element in
 * memory order (as Keras's `GaussianNoise` layer in training), then clips to
 * `clip` if given.
 *
 * @example
 * ```ts
 * import { randomNoise, createRng, zeros } from 'myelin';
 * const noisy = randomNoise({ stddev: 0.1 }).apply(zeros([1, 28, 28, 1]), createRng(0));
 * // each pixel a draw of N(0, 0.01)
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function randomNoise(options: RandomNoiseOptions = {}): ImageAugmentation {
  const FN = 'randomNoise';
  const o = optionsOf(FN, options, ['stddev', 'clip']);
  const stddev = assertNumber(FN, 'stddev', o['stddev'] ?? 0.05, { min: 0 });
  const clip = checkClip(FN, o['clip']);
  const config = clip === null ? { stddev } : { stddev, clip: [...clip] };
  return augmentation(FN, config, ['normal'], (x, out, rng) => {
    const src = x.data as FloatArray;
    for (let i = 0; i < src.length; i++) out[i] = src[i]! + rng.normal(0, stddev);
    clipInto(out, 0, out.length, clip);
  });
}

/** Options of {@link randomCutout}. */
export interface RandomCutoutOptions {
  /** Patch height as a fraction of the image height, in (0, 1] (default 0.25). */
  height?: number;
  /** Patch width as a fraction of the image width, in (0, 1] (default: the same as height). */
  width?: number;
  /** The value written into the patch (default 0). */
  value?: number;
  /** Chance that an image gets a patch (default 1). */
  probability?: number;
}

/**
 * Cutout (DeVries and Taylor, arXiv:1708.04552): blanks one rectangle of
 * each image, ⌈height·H⌉ x ⌈width·W⌉ pixels in every channel, set to
 * `value`. Per image: one uniform draw against `probability`, then the
 * patch centre's row and column, each uniform over the image, so a patch
 * may hang over the border (and is then cut by it), as in the paper.
 *
 * @example
 * ```ts
 * import { randomCutout, createRng, ones } from 'myelin';
 * const cut = randomCutout({ height: 0.5 }).apply(ones([1, 4, 4, 1]), createRng(0));
 * // a 2x2 patch of zeros (fewer where it crosses the border), ones elsewhere
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function randomCutout(options: RandomCutoutOptions = {}): ImageAugmentation {
  const FN = 'randomCutout';
  const o = optionsOf(FN, options, ['height', 'width', 'value', 'probability']);
  const hf = assertNumber(FN, 'height', o['height'] ?? 0.25, {
    min: 0,
    max: 1,
    minExclusive: true,
  });
  const wf = assertNumber(FN, 'width', o['width'] ?? hf, { min: 0, max: 1, minExclusive: true });
  const value = assertNumber(FN, 'value', o['value'] ?? 0);
  const p = assertNumber(FN, 'probability', o['probability'] ?? 1, { min: 0, max: 1 });
  return augmentation(
    FN,
    { height: hf, width: wf, value, probability: p },
    ['uniform', 'integer'],
    (x, out, rng) => {
      const [n, h, w, c] = x.shape as [number, number, number, number];
      out.set(x.data);
      if (h === 0 || w === 0) return;
      const ph = Math.ceil(hf * h);
      const pw = Math.ceil(wf * w);
      const size = h * w * c;
      for (let b = 0; b < n; b++) {
        if (!(rng.uniform() < p)) continue;
        const top = rng.integer(0, h) - (ph >> 1);
        const left = rng.integer(0, w) - (pw >> 1);
        const i0 = Math.max(0, top);
        const i1 = Math.min(h, top + ph);
        const j0 = Math.max(0, left);
        const j1 = Math.min(w, left + pw);
        for (let i = i0; i < i1; i++) {
          const start = b * size + (i * w + j0) * c;
          out.fill(value, start, start + (j1 - j0) * c);
        }
      }
    },
  );
}
