import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compose,
  randomBrightness,
  randomContrast,
  randomCutout,
  randomFlip,
  randomNoise,
  randomRotation,
  randomShift,
  randomZoom,
  type ImageAugmentation,
} from '../../src/data/augment.js';
import { ShapeError, ValueError } from '../../src/_lib/errors.js';
import { createRng, type Rng } from '../../src/random/rng.js';
import { tensor, zeros } from '../../src/tensor/create.js';
import { Tensor } from '../../src/tensor/tensor.js';

/** A batch of `n` h x w images with c channels holding 0, 1, 2, ... in memory order. */
function counting(
  n: number,
  h: number,
  w: number,
  c: number,
  dtype: 'float32' | 'float64' = 'float32',
): Tensor {
  const data =
    dtype === 'float32' ? new Float32Array(n * h * w * c) : new Float64Array(n * h * w * c);
  for (let i = 0; i < data.length; i++) data[i] = i;
  return new Tensor(data, [n, h, w, c]);
}

/** One 1-channel image from rows of numbers, as a [1, h, w, 1] tensor. */
function image(rows: number[][]): Tensor {
  return tensor([rows.map((r) => r.map((v) => [v]))]);
}

/** The single channel of the first image, as rows. */
function rowsOf(t: Tensor): number[][] {
  return (t.toArray() as number[][][][])[0]!.map((r) => r.map((p) => p[0]!));
}

/** An Rng whose uniform() returns the given values in turn (integer/normal derived from them). */
function scripted(values: number[]): Rng {
  const base = createRng(0);
  let i = 0;
  const next = (): number => {
    if (i >= values.length) throw new Error('scripted rng: out of values');
    return values[i++]!;
  };
  return {
    ...base,
    uniform: (lo = 0, hi = 1) => lo + (hi - lo) * next(),
    integer: (lo, hi) => lo + Math.floor(next() * (hi - lo)),
  };
}

const ALL: [string, () => ImageAugmentation][] = [
  ['randomFlip', () => randomFlip({ horizontal: true, vertical: true })],
  ['randomShift', () => randomShift({ height: 0.3, width: 0.3 })],
  ['randomRotation', () => randomRotation({ degrees: 30 })],
  ['randomZoom', () => randomZoom({ factor: 0.3 })],
  ['randomBrightness', () => randomBrightness({ delta: 0.5 })],
  ['randomContrast', () => randomContrast({ factor: 0.5 })],
  ['randomNoise', () => randomNoise({ stddev: 0.5 })],
  ['randomCutout', () => randomCutout({ height: 0.4 })],
];

describe('image augmentations: shared behaviour', () => {
  it.each(ALL)(
    '%s is deterministic under a seed, differs across seeds, keeps shape and dtype, never mutates',
    (kind, make) => {
      const aug = make();
      expect(aug.kind).toBe(kind);
      const x = counting(6, 5, 7, 2, 'float64');
      const before = Float64Array.from(x.data);
      const a = aug.apply(x, createRng(11));
      const b = aug.apply(x, createRng(11));
      const c = aug.apply(x, createRng(12));
      expect(a.shape).toEqual([6, 5, 7, 2]);
      expect(a.dtype).toBe('float64');
      expect(Array.from(a.data)).toEqual(Array.from(b.data));
      expect(Array.from(a.data)).not.toEqual(Array.from(c.data));
      expect(Array.from(x.data)).toEqual(Array.from(before));
      // As a BatchTransform: the same images, the targets passed through untouched.
      const y = tensor([0, 1, 2, 3, 4, 5]);
      const out = aug(x, y, createRng(11));
      expect(out.y).toBe(y);
      expect(Array.from(out.x.data)).toEqual(Array.from(a.data));
      expect(Object.isFrozen(aug.config)).toBe(true);
      expect(JSON.parse(JSON.stringify(aug.config))).toEqual(aug.config);
    },
  );

  it.each(ALL)('%s rejects what is not a batch of images', (kind, make) => {
    const aug = make();
    expect(() => aug.apply(zeros([2, 3, 3]), createRng(0))).toThrow(ShapeError);
    expect(() => aug.apply(zeros([2, 3, 3]), createRng(0))).toThrow(
      `${kind}: x must be a batch of images [batch, height, width, channels] (channels last), got shape [2,3,3]`,
    );
    expect(() => aug.apply(tensor([[[[1]]]], { dtype: 'int32' }), createRng(0))).toThrow(
      `${kind}: x must be float32 or float64 images, got int32`,
    );
    expect(() => aug.apply(zeros([1, 2, 2, 1]), {} as Rng)).toThrow(`${kind}: rng must be an Rng`);
  });

  it.each(ALL)(
    '%s refuses an rng lacking any method it draws with, before drawing',
    (kind, make) => {
      // Each method taken away in turn from a real stream: the augmentation
      // either does not draw with it (same result as the full stream) or refuses
      // the object with the usual message; never "rng.integer is not a function".
      const x = new Tensor(
        Float64Array.from({ length: 2 * 5 * 5 }, (_, i) => (i % 7) / 7),
        [2, 5, 5, 1],
      );
      const full = make().apply(x, createRng(3));
      let refused = 0;
      for (const m of ['uniform', 'integer', 'normal'] as const) {
        const partial: Partial<Rng> = { ...createRng(3), [m]: undefined };
        let out: Tensor | undefined;
        try {
          out = make().apply(x, partial as Rng);
        } catch (e) {
          expect(e, `${kind} without ${m}`).toBeInstanceOf(ValueError);
          expect((e as Error).message).toMatch(
            new RegExp(`^${kind}: rng must be an Rng \\(createRng\\(seed\\)\\), got `),
          );
          refused++;
          continue;
        }
        expect([...out.data], `${kind} without ${m}`).toEqual([...full.data]);
      }
      expect(refused, `${kind} draws with at least one method`).toBeGreaterThan(0);
    },
  );

  it('checks integer for randomShift and randomCutout, normal for randomNoise (the reported case)', () => {
    const onlyUniform = { uniform: (lo = 0, hi = 1) => lo + (hi - lo) * 0.5 } as unknown as Rng;
    for (const aug of [randomShift(), randomNoise(), randomCutout()])
      expect(() => aug.apply(zeros([1, 4, 4, 1]), onlyUniform)).toThrow(
        `${aug.kind}: rng must be an Rng (createRng(seed)), got`,
      );
    // What draws with uniform alone still accepts it.
    expect(randomFlip().apply(zeros([1, 4, 4, 1]), onlyUniform).shape).toEqual([1, 4, 4, 1]);
  });

  it.each(ALL)('%s accepts an empty batch and float32', (_kind, make) => {
    expect(make().apply(zeros([0, 4, 4, 3]), createRng(0)).shape).toEqual([0, 4, 4, 3]);
    expect(make().apply(zeros([1, 4, 4, 3]), createRng(0)).dtype).toBe('float32');
  });

  it('rejects unknown and out-of-range options, naming the factory', () => {
    expect(() => randomFlip({ horizontal: false })).toThrow(/randomFlip: horizontal and vertical/);
    expect(() => randomFlip({ probability: 2 })).toThrow(
      'randomFlip: probability must be a finite number >= 0 and <= 1, got 2',
    );
    expect(() => randomShift({ height: 1 })).toThrow(
      /randomShift: height must be a finite number >= 0 and < 1, got 1/,
    );
    expect(() => randomShift({ fill: 'wrap' as 'nearest' })).toThrow(
      /randomShift: fill must be one of "constant", "nearest"/,
    );
    expect(() => randomRotation({ degrees: -1 })).toThrow(/randomRotation: degrees/);
    expect(() => randomZoom({ factor: 1 })).toThrow(/randomZoom: factor/);
    expect(() => randomBrightness({ clip: [1, 0] })).toThrow(
      /randomBrightness: clip must be a pair/,
    );
    expect(() => randomContrast({ factor: 1.5 })).toThrow(/randomContrast: factor/);
    expect(() => randomNoise({ stddev: Number.NaN })).toThrow(/randomNoise: stddev/);
    expect(() => randomCutout({ height: 0 })).toThrow(/randomCutout: height/);
    expect(() => randomCutout({ size: 3 } as never)).toThrow(ValueError);
    expect(() => randomCutout({ size: 3 } as never)).toThrow(/unknown option "size"/);
  });
});

describe('randomFlip', () => {
  it('mirrors left-right when the draw is below the probability, per image', () => {
    // Two 2x3 images; draws 0.2 (< 0.5: flip) for the first, 0.7 (keep) for the second.
    const x = tensor([
      [
        [[1], [2], [3]],
        [[4], [5], [6]],
      ],
      [
        [[7], [8], [9]],
        [[10], [11], [12]],
      ],
    ]);
    const out = randomFlip().apply(x, scripted([0.2, 0.7]));
    expect(out.toArray()).toEqual([
      [
        [[3], [2], [1]],
        [[6], [5], [4]],
      ],
      [
        [[7], [8], [9]],
        [[10], [11], [12]],
      ],
    ]);
  });

  it('flips upside down, keeping the channels of each pixel together', () => {
    // One 2x1 image of two channels; horizontal disabled, so one draw (0.1 < 0.5) for vertical.
    const x = tensor([[[[1, 2]], [[3, 4]]]]);
    const out = randomFlip({ horizontal: false, vertical: true }).apply(x, scripted([0.1]));
    expect(out.toArray()).toEqual([[[[3, 4]], [[1, 2]]]]);
  });

  it('flips about half the images at probability 0.5', () => {
    const x = counting(2000, 1, 2, 1);
    const out = randomFlip().apply(x, createRng(3));
    let flipped = 0;
    for (let b = 0; b < 2000; b++) if (out.data[2 * b]! > out.data[2 * b + 1]!) flipped++;
    // Binomial(2000, 0.5): sd 22.4; 5 sd either way.
    expect(flipped).toBeGreaterThan(1000 - 112);
    expect(flipped).toBeLessThan(1000 + 112);
  });
});

describe('randomShift', () => {
  // 4x4 image 1..16; height and width 0.5 allow shifts in [-2, 2].
  const x = image([
    [1, 2, 3, 4],
    [5, 6, 7, 8],
    [9, 10, 11, 12],
    [13, 14, 15, 16],
  ]);

  it('moves the content down and left, filling with the constant', () => {
    // integer(-2, 3) = -2 + floor(u·5): u = 0.7 -> dy = 1 (down), u = 0.2 -> dx = -1 (left).
    const out = randomShift({ height: 0.5, width: 0.5, value: -1 }).apply(x, scripted([0.7, 0.2]));
    expect(rowsOf(out)).toEqual([
      [-1, -1, -1, -1],
      [2, 3, 4, -1],
      [6, 7, 8, -1],
      [10, 11, 12, -1],
    ]);
  });

  it("repeats the edge with fill 'nearest'", () => {
    // u = 0.1 -> dy = -2 (up two), u = 0.9 -> dx = 2 (right two).
    const out = randomShift({ height: 0.5, width: 0.5, fill: 'nearest' }).apply(
      x,
      scripted([0.1, 0.9]),
    );
    expect(rowsOf(out)).toEqual([
      [9, 9, 9, 10],
      [13, 13, 13, 14],
      [13, 13, 13, 14],
      [13, 13, 13, 14],
    ]);
  });

  it('never shifts more than floor(fraction · size) and keeps every value otherwise', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), (seed) => {
        // A 10x10 image whose pixel is 100·row + column; height 0.25 -> shifts in [-2, 2].
        const data = new Float64Array(100);
        for (let i = 0; i < 100; i++) data[i] = 100 * Math.floor(i / 10) + (i % 10);
        const out = randomShift({ height: 0.25, width: 0.25, value: -1 }).apply(
          new Tensor(data, [1, 10, 10, 1]),
          createRng(seed),
        );
        // The centre pixel (5, 5) reads (5 - dy, 5 - dx).
        const v = out.data[55]!;
        const dy = 5 - Math.floor(v / 100);
        const dx = 5 - (v % 100);
        return Math.abs(dy) <= 2 && Math.abs(dx) <= 2;
      }),
      { numRuns: 50 },
    );
  });
});

describe('randomRotation', () => {
  const x = image([
    [1, 2, 3],
    [4, 5, 6],
    [7, 8, 9],
  ]);

  it('rotates 90 degrees counter-clockwise exactly at the extreme draw', () => {
    // uniform(-90, 90) at u = 1 would be 90; scripted u gives -90 + 180u, so u = 1 -> 90 degrees.
    // Output (i, j) reads row 1 + sin·(j-1) + cos·(i-1) = j, column 1 + cos·(j-1) - sin·(i-1) = 2 - i:
    // first output row reads column 2 top to bottom: 3, 6, 9.
    const out = randomRotation({ degrees: 90 }).apply(x, scripted([1]));
    const r = rowsOf(out).map((row) => row.map((v) => Math.round(v * 1e5) / 1e5));
    expect(r).toEqual([
      [3, 6, 9],
      [2, 5, 8],
      [1, 4, 7],
    ]);
  });

  it('is the identity at angle 0 and interpolates bilinearly with the fill outside', () => {
    expect(rowsOf(randomRotation({ degrees: 90 }).apply(x, scripted([0.5])))).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
    // 45 degrees (u = 0.75), fill 0; cos = sin = √2/2. Corner (0, 0), offsets (-1, -1), reads
    // row 1 + cos·(-1) + sin·(-1) = 1 - √2 (about -0.414), column 1 - sin·(-1) + cos·(-1) = 1:
    // between row -1 (outside: 0) and row 0 with weight fy = 1 - √2 - (-1) = 2 - √2 on row 0,
    // whose column 1 holds 2: (2 - √2)·2.
    const out = rowsOf(randomRotation({ degrees: 90 }).apply(x, scripted([0.75])));
    expect(out[0]![0]).toBeCloseTo((2 - Math.SQRT2) * 2, 5);
    expect(out[1]![1]).toBeCloseTo(5, 6); // the centre stays
  });
});

describe('randomZoom', () => {
  it('magnifies about the centre by s (reads c + (p - c)/s), bilinearly', () => {
    // 1x5 image 0..4 (centre column 2); u = 1 -> s = 1 + 0.5 = 1.5. Column j reads 2 + (j - 2)/1.5:
    // j=0 -> 0.6667 -> 0.6667; j=1 -> 1.3333; j=2 -> 2; values equal their coordinates (linear image).
    const x = image([[0, 1, 2, 3, 4]]);
    const out = rowsOf(randomZoom({ factor: 0.5 }).apply(x, scripted([1])));
    const expected = [2 - 4 / 3, 2 - 2 / 3, 2, 2 + 2 / 3, 2 + 4 / 3];
    out[0]!.forEach((v, j) => {
      expect(v).toBeCloseTo(expected[j]!, 5);
    });
  });

  it("shrinks with the border filled by the constant, or the edge with 'nearest'", () => {
    // u = 0 -> s = 0.5: column j reads 2 + 2(j - 2): j=0 -> -2 (outside), j=1 -> 0, j=4 -> 6 (outside).
    const x = image([[10, 11, 12, 13, 14]]);
    expect(rowsOf(randomZoom({ factor: 0.5, value: -1 }).apply(x, scripted([0])))).toEqual([
      [-1, 10, 12, 14, -1],
    ]);
    expect(rowsOf(randomZoom({ factor: 0.5, fill: 'nearest' }).apply(x, scripted([0])))).toEqual([
      [10, 10, 12, 14, 14],
    ]);
  });
});

describe('intensity augmentations', () => {
  it('randomBrightness adds one draw per image, then clips', () => {
    // u = 0.75 -> d = -0.2 + 0.4·0.75 = 0.1; u = 0 -> d = -0.2.
    const x = tensor([[[[0.5], [0.95]]], [[[0.1], [0.5]]]]);
    const out = randomBrightness({ delta: 0.2, clip: [0, 1] }).apply(x, scripted([0.75, 0]));
    const v = Array.from(out.data);
    expect(v[0]).toBeCloseTo(0.6, 6);
    expect(v[1]).toBe(1); // 1.05 clipped
    expect(v[2]).toBe(0); // -0.1 clipped
    expect(v[3]).toBeCloseTo(0.3, 6);
  });

  it('randomContrast scales distances from each channel mean', () => {
    // Channel 0: 0 and 1 (mean 0.5); channel 1: 2 and 2 (mean 2). u = 1 -> k = 1.5:
    // channel 0 -> 0.5 ± 0.75 = -0.25, 1.25; channel 1 stays 2.
    const x = tensor([
      [
        [
          [0, 2],
          [1, 2],
        ],
      ],
    ]);
    const out = randomContrast({ factor: 0.5 }).apply(x, scripted([1]));
    expect(Array.from(out.data)).toEqual([-0.25, 2, 1.25, 2]);
  });

  it('randomNoise has the asked standard deviation and zero mean', () => {
    const out = randomNoise({ stddev: 0.3 }).apply(
      zeros([10, 20, 20, 1], { dtype: 'float64' }),
      createRng(5),
    );
    let s = 0,
      s2 = 0;
    for (const v of out.data) {
      s += v;
      s2 += v * v;
    }
    const n = out.size;
    // 4000 draws: the mean's sd is 0.3/√4000 = 0.0047; the sd's relative sd about 1/√(2·4000) = 1.1%.
    expect(Math.abs(s / n)).toBeLessThan(0.025);
    expect(Math.sqrt(s2 / n)).toBeGreaterThan(0.3 * 0.95);
    expect(Math.sqrt(s2 / n)).toBeLessThan(0.3 * 1.05);
    const clipped = randomNoise({ stddev: 0.3, clip: [0, 1] }).apply(
      zeros([1, 10, 10, 1]),
      createRng(5),
    );
    expect(Math.min(...clipped.data)).toBe(0);
  });
});

describe('randomCutout', () => {
  it('blanks a patch of ceil(fraction · size) pixels centred on the drawn pixel, in every channel', () => {
    // 4x4 image of ones with two channels; height 0.5 -> a 2x2 patch. Draws: 0.5 (< 1: cut),
    // centre row integer(0, 4) at u = 0.5 -> 2, column at u = 0.25 -> 1: rows 1..2, columns 0..1.
    const x = new Tensor(new Float32Array(32).fill(1), [1, 4, 4, 2]);
    const out = randomCutout({ height: 0.5, value: 7 }).apply(x, scripted([0.5, 0.5, 0.25]));
    const ch0 = (out.toArray() as number[][][][])[0]!.map((r) => r.map((p) => p[0]!));
    const ch1 = (out.toArray() as number[][][][])[0]!.map((r) => r.map((p) => p[1]!));
    const expected = [
      [1, 1, 1, 1],
      [7, 7, 1, 1],
      [7, 7, 1, 1],
      [1, 1, 1, 1],
    ];
    expect(ch0).toEqual(expected);
    expect(ch1).toEqual(expected);
  });

  it('cuts the patch at the border and skips images past the probability', () => {
    // Centre (0, 3): rows -1..0, columns 2..3 -> only row 0, columns 2..3.
    const x = new Tensor(new Float32Array(16).fill(1), [1, 4, 4, 1]);
    expect(rowsOf(randomCutout({ height: 0.5 }).apply(x, scripted([0, 0, 0.75])))).toEqual([
      [1, 1, 0, 0],
      [1, 1, 1, 1],
      [1, 1, 1, 1],
      [1, 1, 1, 1],
    ]);
    // probability 0.5, draw 0.6: no patch, and no position drawn.
    expect(
      rowsOf(randomCutout({ height: 0.5, probability: 0.5 }).apply(x, scripted([0.6]))),
    ).toEqual(rowsOf(x));
  });
});

describe('compose', () => {
  it('runs the steps in order on one stream, lambdas included', () => {
    const x = counting(3, 4, 4, 1);
    const y = tensor([0, 1, 2]);
    const flip = randomFlip({ probability: 1 });
    const double = (xb: Tensor, yb: Tensor): { x: Tensor; y: Tensor } => ({
      x: new Tensor(
        xb.data.map((v) => 2 * v),
        xb.shape,
      ),
      y: yb,
    });
    // a quarter of 4 pixels: shifts of one pixel either way
    const shift = randomShift({ height: 0.25, width: 0.25 });
    const both = compose([flip, double, shift]);
    const a = both(x, y, createRng(4));
    // By hand: the same steps, one after the other, on one stream.
    const rng = createRng(4);
    const manual = shift.apply(double(flip.apply(x, rng), y).x, rng);
    expect(Array.from(a.x.data)).toEqual(Array.from(manual.data));
    expect(a.y).toBe(y);
    expect(compose([])(x, y, createRng(0)).x).toBe(x);
  });

  it('rejects steps that are not transforms, and steps returning something else', () => {
    expect(() => compose([1 as never])).toThrow('compose: steps[0] must be a transform');
    const bad = compose([randomFlip(), (() => ({ x: 1 })) as never]);
    expect(() => bad(zeros([1, 2, 2, 1]), zeros([1]), createRng(0))).toThrow(
      /compose: steps\[1\] must be a transform returning \{ x: Tensor, y: Tensor \}/,
    );
  });
});
