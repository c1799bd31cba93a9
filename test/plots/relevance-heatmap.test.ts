import { describe, expect, it } from 'vitest';
import { relevanceHeatmap } from '../../src/plots/relevance-heatmap.js';
import { tensor } from '../../src/tensor/create.js';
import { findAll, parseXml } from './_xml.js';

describe('relevanceHeatmap', () => {
  it('colours each pixel on a diverging map centred on zero', () => {
    // Largest |r| is 2: +2 is full red, −2 would be full blue, −1 half way to blue, 0 white.
    const svg = relevanceHeatmap(
      [
        [2, 0],
        [-1, 1],
      ],
      { title: 'a <b> & c' },
    );
    const root = parseXml(svg);
    const pixels = findAll(root, 'rect', 'pixel').map((r) => r.attrs.fill);
    // Half way from white (255, 255, 255) to blue (33, 102, 172): (144, 178.5, 213.5) → 90b3d6 (rounded).
    // Half way to red (178, 24, 43): (216.5, 139.5, 149) → d98c95.
    expect(pixels).toEqual(['#b2182b', '#ffffff', '#90b3d6', '#d98c95']);
    expect(findAll(root, 'title')[0]!.text).toBe('a <b> & c');
    expect(findAll(root, 'g', 'image')).toHaveLength(0);
    expect(svg).not.toMatch(/NaN/);
  });

  it('sums channels, accepts a batch of one, draws the image under it, and honours scale', () => {
    const rel = tensor([
      [
        [
          [1, -1],
          [0.5, 0.5],
        ],
        [
          [0, 0],
          [-4, 0],
        ],
      ],
    ]); // [1, 2, 2, 2]
    const svg = relevanceHeatmap(rel, {
      image: [
        [0, 1],
        [0.5, 1],
      ],
      scale: 4,
      opacity: 0.5,
    });
    const root = parseXml(svg);
    const pixels = findAll(root, 'rect', 'pixel').map((r) => r.attrs.fill);
    // Channel sums (0, 1, 0, −4) over scale 4: white, a quarter red, white, full blue;
    // a quarter red is 255 + (178 − 255)/4 = 235.75 → ec, 255 − 231/4 = 197.25 → c5, 255 − 212/4 = 202 → ca.
    expect(pixels).toEqual(['#ffffff', '#ecc5ca', '#ffffff', '#2166ac']);
    const image = findAll(findAll(root, 'g', 'image')[0]!, 'rect').map((r) => r.attrs.fill);
    expect(image).toEqual(['#000000', '#ffffff', '#808080', '#ffffff']);
    expect(findAll(root, 'g', 'relevance')[0]!.attrs['fill-opacity']).toBe('0.5');
    // Over an image, each pixel is as opaque as |relevance| / scale: 0, 0.25, 0, 1.
    expect(findAll(root, 'rect', 'pixel').map((r) => r.attrs['fill-opacity'])).toEqual([
      '0',
      '0.25',
      '0',
      '1',
    ]);
  });

  it('draws all white for an all-zero map', () => {
    const root = parseXml(relevanceHeatmap([[0, 0]]));
    expect(findAll(root, 'rect', 'pixel').every((r) => r.attrs.fill === '#ffffff')).toBe(true);
  });

  it.each([
    [
      () => relevanceHeatmap([1, 2]),
      'relevanceHeatmap: relevance must have shape [height, width] or [height, width, channels]',
    ],
    [() => relevanceHeatmap([[1, NaN]]), 'relevanceHeatmap: relevance must hold finite numbers'],
    [
      () => relevanceHeatmap([[1, 2]], { image: [[1], [2]] }),
      'relevanceHeatmap: image is 2×1 but the relevance is 1×2',
    ],
    [
      () => relevanceHeatmap([[1, 2]], { opacity: 2 }),
      'relevanceHeatmap: opacity must be a finite number >= 0 and <= 1, got 2',
    ],
    [
      () => relevanceHeatmap([[1, 2]], { scale: 0 }),
      'relevanceHeatmap: scale must be a finite number > 0, got 0',
    ],
    [
      () => relevanceHeatmap([[1, 2]], { imageRange: [1, 0] }),
      'relevanceHeatmap: imageRange must be [low, high] with high > low',
    ],
    [
      () => relevanceHeatmap([[1, 2]], { colour: 'red' } as never),
      'relevanceHeatmap: unknown option "colour"',
    ],
  ])('rejects bad input %#', (f, message) => {
    expect(f).toThrow(message);
  });
});
