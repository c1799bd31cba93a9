import { describe, expect, it } from 'vitest';
import { fromImageData } from '../../src/data/image.js';
import { ValueError } from '../../src/_lib/errors.js';

// A 2x2 RGBA image (no DOM: ImageData's fields on a plain object), row by row:
// white, red / green, half-transparent blue.
const pixels = {
  data: new Uint8ClampedArray([255, 255, 255, 255, 255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 128]),
  width: 2,
  height: 2,
};

describe('fromImageData', () => {
  it('gives [1, height, width, 3] RGB scaled to [0, 1], alpha dropped', () => {
    const t = fromImageData(pixels);
    expect(t.shape).toEqual([1, 2, 2, 3]);
    expect(t.dtype).toBe('float32');
    expect(Array.from(t.data)).toEqual([1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1]);
  });

  it('keeps alpha as a fourth channel, with any scale', () => {
    const t = fromImageData(pixels, { alpha: true, scale: 1 });
    expect(t.shape).toEqual([1, 2, 2, 4]);
    expect(Array.from(t.data)).toEqual(Array.from(pixels.data));
  });

  it('gives one channel of luma 0.299 R + 0.587 G + 0.114 B with grayscale, inverted on request', () => {
    const t = fromImageData(pixels, { grayscale: true, scale: 1, dtype: 'float64' });
    expect(t.shape).toEqual([1, 2, 2, 1]);
    // white 255, red 0.299·255 = 76.245, green 0.587·255 = 149.685, blue 0.114·255 = 29.07.
    const want = [255, 76.245, 149.685, 29.07];
    Array.from(t.data).forEach((v, i) => {
      expect(v).toBeCloseTo(want[i]!, 9);
    });
    const inv = fromImageData(pixels, { grayscale: true, invert: true, dtype: 'float64' });
    Array.from(inv.data).forEach((v, i) => {
      expect(v).toBeCloseTo((255 - want[i]!) / 255, 12);
    });
  });

  it('reads an ImageData-shaped object built from a plain array, and an empty image', () => {
    expect(
      fromImageData({ data: [10, 20, 30, 40], width: 1, height: 1 }, { scale: 1 }).toArray(),
    ).toEqual([[[[10, 20, 30]]]]);
    expect(fromImageData({ data: new Uint8ClampedArray(0), width: 0, height: 3 }).shape).toEqual([
      1, 3, 0, 3,
    ]);
  });

  it('rejects data of the wrong length, bad sizes and bad options', () => {
    expect(() => fromImageData({ data: new Uint8ClampedArray(15), width: 2, height: 2 })).toThrow(
      'fromImageData: image.data must hold 4 bytes (RGBA) per pixel, 2x2x4 = 16, got 15',
    );
    expect(() => fromImageData({ data: [], width: -1, height: 0 })).toThrow(
      'fromImageData: image.width must be a non-negative integer, got -1',
    );
    expect(() => fromImageData({ data: [], width: 0, height: 1.5 })).toThrow(/image.height/);
    expect(() => fromImageData(null as never)).toThrow(/fromImageData: image must be an ImageData/);
    expect(() => fromImageData({ width: 0, height: 0 } as never)).toThrow(/image.data/);
    expect(() => fromImageData(pixels, { grayscale: true, alpha: true })).toThrow(ValueError);
    expect(() => fromImageData(pixels, { scale: Number.NaN })).toThrow(/fromImageData: scale/);
    expect(() => fromImageData(pixels, { channels: 1 } as never)).toThrow(
      /unknown option "channels"/,
    );
    expect(() => fromImageData(pixels, { dtype: 'int32' as never })).toThrow(
      /fromImageData: dtype/,
    );
  });
});
