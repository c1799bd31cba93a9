import { describe, expectTypeOf, it } from 'vitest';
import {
  compose,
  mixup,
  randomFlip,
  randomShift,
  fromImageData,
  type BatchTransform,
  type FitOptions,
  type ImageAugmentation,
  type Rng,
  type Tensor,
} from '../../src/index.js';

describe('augmentation types', () => {
  it('augmentations, compose and a mixup lambda are all fit transforms', () => {
    expectTypeOf(randomFlip()).toEqualTypeOf<ImageAugmentation>();
    expectTypeOf(randomFlip()).toExtend<BatchTransform>();
    expectTypeOf(randomFlip().apply).toEqualTypeOf<(x: Tensor, rng: Rng) => Tensor>();
    expectTypeOf(compose([randomFlip(), randomShift()])).toEqualTypeOf<BatchTransform>();
    expectTypeOf<NonNullable<FitOptions['transform']>>().toEqualTypeOf<BatchTransform>();
    // An inline lambda's parameters are typed from the option.
    const options: Pick<FitOptions, 'transform'> = {
      transform: (x, y, rng) => {
        expectTypeOf(x).toEqualTypeOf<Tensor>();
        expectTypeOf(rng).toEqualTypeOf<Rng>();
        return mixup(x, y, 0.2, rng, { classes: 10 });
      },
    };
    expectTypeOf(options.transform).toEqualTypeOf<BatchTransform | undefined>();
    expectTypeOf(fromImageData).returns.toEqualTypeOf<Tensor>();
  });
});
