// randomShift moves whole pixels; a fraction below one pixel (0.03 of 28
// rows: ⌊0.84⌋ = 0) left every image as it was, silently, where Keras's
// RandomTranslation(0.03) shifts by interpolated fractions. It is refused.
import { describe, expect, it } from 'vitest';
import { randomShift } from '../../src/data/augment.js';
import { createRng } from '../../src/random/rng.js';
import { zeros } from '../../src/tensor/create.js';

describe('randomShift with a fraction under one pixel', () => {
  it('is refused, saying the smallest fraction that moves a pixel', () => {
    expect(() =>
      randomShift({ height: 0.03, width: 0.1 }).apply(zeros([2, 28, 28, 1]), createRng(0)),
    ).toThrow(
      'randomShift: height 0.03 of 28 pixels allows no whole-pixel shift (⌊0.03·28⌋ = 0), so no image would move; use at least 1/28 (or 0 to shift only the other way)',
    );
  });
  it('takes 0 (no shift that way) and a fraction of at least one pixel', () => {
    const out = randomShift({ height: 0, width: 1 / 28 }).apply(
      zeros([2, 28, 28, 1]),
      createRng(0),
    );
    expect(out.shape).toEqual([2, 28, 28, 1]);
  });
});
