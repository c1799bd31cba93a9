import {
  assertBoolean,
  assertKnownKeys,
  assertNumber,
  assertOptions,
  fail,
} from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import { checkElements } from '../_lib/limits.js';
import { allocate, type FloatDType } from '../_lib/typed.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * RGBA pixels as a canvas gives them: `ImageData` (from
 * `ctx.getImageData`), or any object with the same fields, e.g. in Node.
 * `data` holds 4 bytes per pixel (red, green, blue, alpha), row by row.
 */
export interface ImageDataLike {
  readonly data: ArrayLike<number>;
  readonly width: number;
  readonly height: number;
}

/** Options of {@link fromImageData}. */
export interface FromImageDataOptions {
  /** One channel of luma, 0.299·R + 0.587·G + 0.114·B (ITU-R BT.601), instead of three of RGB (default false). */
  grayscale?: boolean;
  /** Keep the alpha channel as a fourth channel (default false; not with grayscale). */
  alpha?: boolean;
  /** Multiplies every byte (default 1/255, giving values in [0, 1]; pass 1 for 0..255). */
  scale?: number;
  /** Use 255 − value, so dark ink on a light page becomes bright on dark, as MNIST's digits (default false). */
  invert?: boolean;
  /** Element type of the result (default 'float32'). */
  dtype?: FloatDType;
}

/**
 * Turns canvas pixels into an image tensor of shape `[1, height, width,
 * channels]`, channels last, ready for `predict` of a CNN: 3 channels (RGB)
 * by default, 1 with `grayscale`, 4 with `alpha`. Each value is
 * `scale · byte` (`scale · (255 − byte)` with `invert`); the default scale
 * 1/255 maps bytes to [0, 1]. Alpha is otherwise ignored (a transparent
 * canvas reads as black: paint a background first).
 *
 * @param image An `ImageData` or `{ data, width, height }` with RGBA bytes.
 * @example
 * ```ts
 * import { fromImageData } from 'myelin';
 * // A 2x1 image: one white pixel, one pure red pixel (RGBA bytes).
 * const pixels = { data: new Uint8ClampedArray([255, 255, 255, 255, 255, 0, 0, 255]), width: 2, height: 1 };
 * console.log(fromImageData(pixels).shape); // [1, 1, 2, 3]
 * const gray = fromImageData(pixels, { grayscale: true, scale: 1 });
 * console.log(gray.shape); // [1, 1, 2, 1]; values 255 and about 76.2 (0.299·255)
 * ```
 */
export function fromImageData(image: ImageDataLike, options: FromImageDataOptions = {}): Tensor {
  const FN = 'fromImageData';
  const img = image as Partial<ImageDataLike> | null;
  if (img === null || typeof img !== 'object')
    fail(FN, 'image', 'an ImageData or { data, width, height }', image);
  const { data, width, height } = img;
  if (typeof width !== 'number' || !Number.isInteger(width) || width < 0)
    fail(FN, 'image.width', 'a non-negative integer', width);
  if (typeof height !== 'number' || !Number.isInteger(height) || height < 0)
    fail(FN, 'image.height', 'a non-negative integer', height);
  if (data === null || typeof data !== 'object' || typeof data.length !== 'number')
    fail(FN, 'image.data', 'an array of RGBA bytes (Uint8ClampedArray)', data);
  if (data.length !== width * height * 4)
    throw new ValueError(
      `${FN}: image.data must hold 4 bytes (RGBA) per pixel, ${width}x${height}x4 = ${width * height * 4}, got ${data.length}`,
    );
  assertOptions(FN, options);
  assertKnownKeys(FN, 'options', options, ['grayscale', 'alpha', 'scale', 'invert', 'dtype']);
  const grayscale = assertBoolean(FN, 'grayscale', options.grayscale ?? false);
  const alpha = assertBoolean(FN, 'alpha', options.alpha ?? false);
  const scale = assertNumber(FN, 'scale', options.scale ?? 1 / 255);
  const invert = assertBoolean(FN, 'invert', options.invert ?? false);
  const dtype = options.dtype ?? 'float32';
  if (dtype !== 'float32' && dtype !== 'float64')
    fail(FN, 'dtype', '"float32" or "float64"', dtype);
  if (grayscale && alpha)
    throw new ValueError(`${FN}: grayscale and alpha cannot both be true (one channel or four)`);
  const channels = grayscale ? 1 : alpha ? 4 : 3;
  const pixels = width * height;
  checkElements(FN, `the image tensor [1,${height},${width},${channels}]`, pixels * channels);
  const out = allocate(dtype, pixels * channels);
  // invert: scale·(255 − v) = offset + sign·v.
  const offset = invert ? 255 * scale : 0;
  const sign = invert ? -scale : scale;
  for (let p = 0; p < pixels; p++) {
    const s = p * 4;
    if (grayscale) {
      const luma = 0.299 * data[s]! + 0.587 * data[s + 1]! + 0.114 * data[s + 2]!;
      out[p] = offset + sign * luma;
    } else {
      const o = p * channels;
      for (let k = 0; k < channels; k++) out[o + k] = offset + sign * data[s + k]!;
    }
  }
  return new Tensor(out, [1, height, width, channels]);
}
