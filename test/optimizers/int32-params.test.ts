import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/_lib/errors.js';
import { adagrad, adam, adamw, rmsprop, sgd } from '../../src/optimizers/index.js';
import type { Optimizer } from '../../src/optimizers/optimizer.js';
import { tensor } from '../../src/tensor/create.js';

// An int32 parameter or gradient is refused with a ValueError naming the
// optimizer and the argument (it used to reach the float kernels and fail
// with an internal TypeError), and a refused call changes nothing.

const makers: [string, () => Optimizer][] = [
  ['sgd', () => sgd({ momentum: 0.9 })],
  ['adam', () => adam()],
  ['adamw', () => adamw({ clipNorm: 1 })],
  ['rmsprop', () => rmsprop({ centered: true })],
  ['adagrad', () => adagrad()],
];

describe.each(makers)('%s and int32 tensors', (name, make) => {
  it('an int32 param is a ValueError naming params[i]; the float param before it is untouched', () => {
    const opt = make();
    const w = tensor([1, 2], { dtype: 'float64' });
    const k = tensor([1, 2], { dtype: 'int32' });
    const g = tensor([0.5, 0.5], { dtype: 'float64' });
    expect(() => {
      opt.step([w, k], [g, g]);
    }).toThrow(ValueError);
    expect(() => {
      opt.step([w, k], [g, g]);
    }).toThrow(`${name}: params[1] is an int32 tensor`);
    expect(Array.from(w.data)).toEqual([1, 2]);
    expect(Array.from(k.data)).toEqual([1, 2]);
    expect(opt.iterations).toBe(0);
  });

  it('an int32 gradient is a ValueError naming grads[i]', () => {
    const opt = make();
    const w = tensor([1, 2]);
    expect(() => {
      opt.step([w], [tensor([1, 1], { dtype: 'int32' })]);
    }).toThrow(`${name}: grads[0] is an int32 tensor`);
    expect(Array.from(w.data)).toEqual([1, 2]);
  });

  it('setState for an int32 param is a ValueError, not a TypeError', () => {
    const opt = make();
    const w = tensor([1, 2]);
    opt.step([w], [tensor([0.5, -0.5])]);
    const state = opt.getState([w]);
    const k = tensor([1, 2], { dtype: 'int32' });
    expect(() => {
      opt.setState([k], state);
    }).toThrow(ValueError);
    expect(() => {
      opt.setState([k], state);
    }).toThrow(`${name}: params[0] is an int32 tensor`);
  });
});
