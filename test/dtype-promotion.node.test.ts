import { describe, expect, it } from 'vitest';
import { ValueError } from '../src/_lib/errors.js';
import { backward } from '../src/autograd/index.js';
import {
  add,
  atan2,
  div,
  einsum,
  equal,
  floorDiv,
  fmod,
  greater,
  index,
  maximum,
  minimum,
  mul,
  pad,
  pow,
  remainder,
  squaredDifference,
  sub,
  sum,
  where,
} from '../src/ops/index.js';
import { createRng } from '../src/random/index.js';
import {
  arange,
  asTensor,
  bernoulli,
  linspace,
  logspace,
  permutation,
  randomInt,
  randomNormal,
  randomUniform,
  tensor,
  type Tensor,
} from '../src/tensor/index.js';
import { expectClose } from './helpers/expect-close.js';

// Type promotion with a 0-dimensional operand, as torch.result_type: a
// float64 scalar tensor does not raise a float32 tensor with dimensions to
// float64 (it does raise an int32 one). Reference values from torch 1.13:
//   a = torch.tensor([1.5, -2.25, 0.1]); z = torch.tensor(0.3, dtype=torch.float64)
//   c = torch.tensor([True, False, True])
//   op(a, z) and op(z, a), each printed with .dtype and [float(v) for v in r.tolist()]
// (pow uses a.abs(), so that both directions are real).
describe('a float64 0-d tensor with a float32 tensor of rank >= 1 (torch.result_type)', () => {
  const a = (): Tensor => tensor([1.5, -2.25, 0.1]);
  const z = (): Tensor => tensor(0.3, { dtype: 'float64' });
  const abs = (): Tensor => tensor([1.5, 2.25, 0.1]);
  type Op = (x: Tensor, y: Tensor) => Tensor;
  const cond = tensor([1, 0, 1]);
  // [name, op, op(a, z), op(z, a)]; exact float32 results where the op is one
  // correctly rounded IEEE operation (torch's CPU kernels and myelin's agree
  // bit for bit there), within 1 float32 ulp otherwise.
  const exact: [string, Op, number[], number[]][] = [
    [
      'add',
      add,
      [1.7999999523162842, -1.9500000476837158, 0.4000000059604645],
      [1.7999999523162842, -1.9500000476837158, 0.4000000059604645],
    ],
    [
      'sub',
      sub,
      [1.2000000476837158, -2.549999952316284, -0.20000001788139343],
      [-1.2000000476837158, 2.549999952316284, 0.20000001788139343],
    ],
    [
      'mul',
      mul,
      [0.45000001788139343, -0.675000011920929, 0.030000001192092896],
      [0.45000001788139343, -0.675000011920929, 0.030000001192092896],
    ],
    [
      'div',
      div,
      [5.0, -7.499999523162842, 0.3333333134651184],
      [0.20000000298023224, -0.13333334028720856, 3.0],
    ],
    [
      'maximum',
      maximum,
      [1.5, 0.30000001192092896, 0.30000001192092896],
      [1.5, 0.30000001192092896, 0.30000001192092896],
    ],
    [
      'minimum',
      minimum,
      [0.30000001192092896, -2.25, 0.10000000149011612],
      [0.30000001192092896, -2.25, 0.10000000149011612],
    ],
    ['floorDiv', floorDiv, [4, -8, 0], [0, -1, 3]],
    [
      'where',
      (x, y) => where(cond, x, y),
      [1.5, 0.30000001192092896, 0.10000000149011612],
      [0.30000001192092896, -2.25, 0.30000001192092896],
    ],
  ];
  const near: [string, Op, number[], number[]][] = [
    [
      'atan2',
      atan2,
      [1.3734008073806763, -1.4382448196411133, 0.32175055146217346],
      [0.19739556312561035, 3.0090410709381104, 1.249045729637146],
    ],
    [
      'squaredDifference',
      squaredDifference,
      [1.440000057220459, 6.502499580383301, 0.040000006556510925],
      [1.440000057220459, 6.502499580383301, 0.040000006556510925],
    ],
    [
      'fmod',
      fmod,
      [0.2999999523162842, -0.14999991655349731, 0.10000000149011612],
      [0.30000001192092896, 0.30000001192092896, 7.450580596923828e-9],
    ],
    [
      'remainder',
      remainder,
      [0.2999999523162842, 0.15000009536743164, 0.10000000149011612],
      [0.30000001192092896, -1.9500000476837158, 7.450580596923828e-9],
    ],
  ];

  it.each(exact)('%s is float32 with torch float32 values', (_, op, az, za) => {
    const r1 = op(a(), z());
    const r2 = op(z(), a());
    expect([r1.dtype, r2.dtype]).toEqual(['float32', 'float32']);
    expect(Array.from(r1.data)).toEqual(az);
    expect(Array.from(r2.data)).toEqual(za);
  });

  it.each(near)('%s is float32 with torch float32 values (within 1 ulp)', (_, op, az, za) => {
    const r1 = op(a(), z());
    const r2 = op(z(), a());
    expect([r1.dtype, r2.dtype]).toEqual(['float32', 'float32']);
    // fmod/remainder of float32 values: torch computes a - b·floor(a/b) in
    // float32, myelin the exact remainder; they differ by rounding only.
    expectClose(r1, az, { atol: 2e-7, rtol: 2e-7 });
    expectClose(r2, za, { atol: 2e-7, rtol: 2e-7 });
  });

  it('pow is float32 (torch: pow(a.abs(), z) and pow(z, a.abs()))', () => {
    const r1 = pow(abs(), z());
    const r2 = pow(z(), abs());
    expect([r1.dtype, r2.dtype]).toEqual(['float32', 'float32']);
    expectClose(r1, [1.1293469667434692, 1.2754244804382324, 0.5011872053146362], {
      atol: 0,
      rtol: 2e-7,
    });
    expectClose(r2, [0.16431677341461182, 0.06660746037960052, 0.8865681290626526], {
      atol: 0,
      rtol: 2e-7,
    });
  });

  it('comparisons compare in float32: torch.eq(tensor([0.1]), tensor(0.1, float64)) is True', () => {
    const r = equal(tensor([0.1]), tensor(0.1, { dtype: 'float64' }));
    expect(r.dtype).toBe('float32');
    expect(Array.from(r.data)).toEqual([1]);
    // 0.1 in float32 is 0.10000000149011612 > 0.1, but both round to it first
    expect(Array.from(greater(tensor([0.1]), tensor(0.1, { dtype: 'float64' })).data)).toEqual([0]);
  });

  it('the gradient to the float64 scalar stays float64 (torch: z.grad = -0.6499999761581421)', () => {
    // torch 1.13: y = (a * z).sum() with both requiring grad: y float32,
    // a.grad = [0.3, 0.3, 0.3] (float32), z.grad = -0.6499999761581421 (float64)
    const x = tensor([1.5, -2.25, 0.1], { requiresGrad: true });
    const s = tensor(0.3, { dtype: 'float64', requiresGrad: true });
    const y = sum(mul(x, s));
    expect(y.dtype).toBe('float32');
    backward(y);
    expect(x.grad?.dtype).toBe('float32');
    expect(Array.from(x.grad!.data)).toEqual([
      0.30000001192092896, 0.30000001192092896, 0.30000001192092896,
    ]);
    expect(s.grad?.dtype).toBe('float64');
    expect(s.grad!.data[0]).toBe(-0.6499999761581421);
  });

  it('still promotes where torch does', () => {
    // torch 1.13: int32 [3, -4] + tensor(0.3, float64) -> float64 [3.3, -3.7];
    // tensor(1.5) + tensor(0.3, float64) -> float64; float32 [n] + float64 [1] -> float64
    const i = add(tensor([3, -4], { dtype: 'int32' }), tensor(0.3, { dtype: 'float64' }));
    expect(i.dtype).toBe('float64');
    expect(Array.from(i.data)).toEqual([3.3, -3.7]);
    expect(add(tensor(1.5), tensor(0.3, { dtype: 'float64' })).dtype).toBe('float64');
    expect(add(tensor([1.5]), tensor([0.3], { dtype: 'float64' })).dtype).toBe('float64');
    expect(add(tensor([1.5], { dtype: 'float64' }), tensor(0.3)).dtype).toBe('float64');
    // int32 [n] with a float32 0-d tensor: float32 (torch.result_type)
    expect(add(tensor([1], { dtype: 'int32' }), tensor(0.5)).dtype).toBe('float32');
  });

  it('einsum keeps float64 (torch.einsum(",i->i", tensor(2., float64), ones(3)) is float64 [2, 2, 2])', () => {
    const r = einsum(',i->i', tensor(2, { dtype: 'float64' }), tensor([1, 1, 1]));
    expect(r.dtype).toBe('float64');
    expect(Array.from(r.data)).toEqual([2, 2, 2]);
  });
});

describe('random creation functions check their options', () => {
  it('refuse unknown option keys instead of ignoring them', () => {
    // bernoulli(0.5, { shap: [3] }) used to return one draw of shape [].
    expect(() => bernoulli(0.5, { shap: [3] } as never)).toThrow(
      /bernoulli: unknown option "shap"/,
    );
    expect(() => randomInt([2], 0, 5, { dtyp: 'float64' } as never)).toThrow(
      /randomInt: unknown option "dtyp"/,
    );
    expect(() => permutation(3, { dtyp: 'float64' } as never)).toThrow(
      /permutation: unknown option "dtyp"/,
    );
  });

  it('refuse an options value that is not an object, naming the function', () => {
    expect(() => bernoulli(0.5, [3] as never)).toThrow(ValueError);
    expect(() => bernoulli(0.5, null as never)).toThrow(/bernoulli: options must be an object/);
    expect(() => randomInt([2], 0, 5, null as never)).toThrow(
      /randomInt: options must be an object/,
    );
    expect(() => permutation(3, 5 as never)).toThrow(/permutation: options must be an object/);
  });

  it('refuse a requiresGrad that is not a boolean', () => {
    expect(() => bernoulli(tensor([0.5]), { requiresGrad: 'yes' } as never)).toThrow(
      /bernoulli: requiresGrad must be a boolean, got "yes"/,
    );
    expect(() => randomInt([2], 0, 2, { dtype: 'float32', requiresGrad: 'yes' } as never)).toThrow(
      /randomInt: requiresGrad must be a boolean/,
    );
  });

  it('refuse an rng that is not an Rng with a ValueError, not an internal TypeError', () => {
    const bad = { rng: 42 } as never;
    const calls: [string, () => unknown][] = [
      ['randomUniform', () => randomUniform([2], bad)],
      ['randomNormal', () => randomNormal([2], bad)],
      ['randomInt', () => randomInt([2], 0, 5, bad)],
      ['bernoulli', () => bernoulli(0.5, bad)],
      ['permutation', () => permutation(3, bad)],
    ];
    for (const [fn, call] of calls) {
      expect(call).toThrow(ValueError);
      expect(call).toThrow(new RegExp(`^${fn}: rng must be an Rng.*got 42$`));
    }
  });

  it('still accept every documented option', () => {
    const rng = createRng(0);
    expect(bernoulli(0.5, { shape: [2, 3], rng, dtype: 'float64' }).shape).toEqual([2, 3]);
    expect(randomInt([4], 0, 3, { rng, dtype: 'float32', requiresGrad: true }).dtype).toBe(
      'float32',
    );
    expect(permutation(4, { rng }).dtype).toBe('int32');
  });
});

describe('arange, linspace and logspace check their options', () => {
  it('refuse a misspelt dtype option instead of giving float32', () => {
    // arange(3, { dtyp: 'int32' }) used to return float32 [0, 1, 2] silently.
    expect(() => arange(3, { dtyp: 'int32' } as never)).toThrow(/arange: unknown option "dtyp"/);
    expect(() => arange(0, 3, 1, { dtyp: 'int32' } as never)).toThrow(
      /arange: unknown option "dtyp"/,
    );
    expect(() => linspace(0, 1, 3, { dtyp: 'float64' } as never)).toThrow(
      /linspace: unknown option "dtyp"/,
    );
    expect(() => logspace(0, 1, 3, { bse: 2 } as never)).toThrow(/logspace: unknown option "bse"/);
  });

  it('refuse a null options object with a ValueError naming the function', () => {
    expect(() => arange(0, 3, 1, null as never)).toThrow(/^arange: options must be an object/);
    expect(() => linspace(0, 1, 3, null as never)).toThrow(/^linspace: options must be an object/);
    expect(() => logspace(0, 1, 3, null as never)).toThrow(/^logspace: options must be an object/);
    expect(() => arange(0, 3, 1, null as never)).toThrow(ValueError);
  });

  it('still take their documented options (torch.arange(3, dtype=torch.int32) is [0, 1, 2])', () => {
    expect(arange(3, { dtype: 'int32' }).toArray()).toEqual([0, 1, 2]);
    // torch 1.13: torch.logspace(0, 3, 4, base=2, dtype=torch.float64) -> [1, 2, 4, 8]
    const l = logspace(0, 3, 4, { base: 2, dtype: 'float64' });
    expect([l.dtype, l.toArray()]).toEqual(['float64', [1, 2, 4, 8]]);
  });
});

describe('asTensor', () => {
  it('names itself when the dtype is bad', () => {
    expect(() => asTensor([1], 'float16' as never)).toThrow(
      /^asTensor: dtype must be "float32", "float64" or "int32", got "float16"/,
    );
  });
});

// A 0-d 0/1 mask (what a comparison of scalars returns) used to be ignored,
// so a false mask selected everything. Reference: numpy 1.x / torch 1.13,
//   x = np.array([[1., 2, 3], [4, 5, 6]]); x[spec].shape, x[spec].tolist()
// with True/False as np.True_/np.False_ (torch.tensor(True) gives the same).
describe('index with a 0-d mask', () => {
  const x = tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  const T = tensor(1);
  const F = tensor(0);
  it.each([
    ['x[True]', [T], [1, 2, 3], [1, 2, 3, 4, 5, 6]],
    ['x[False]', [F], [0, 2, 3], []],
    ['x[:, True]', [':', T], [2, 1, 3], [1, 2, 3, 4, 5, 6]],
    ['x[0, True]', [0, T], [1, 3], [1, 2, 3]],
    ['x[True, :, [2, 0]]', [T, ':', [2, 0]], [2, 2], [3, 6, 1, 4]],
    ['x[..., True]', ['...', T], [2, 3, 1], [1, 2, 3, 4, 5, 6]],
    ['x[[0, 1], True]', [[0, 1], T], [2, 3], [1, 2, 3, 4, 5, 6]],
    ['x[False, [0]]', [F, [0]], [0, 3], []],
  ] as [string, Parameters<typeof index>[1][], number[], number[]][])(
    '%s',
    (_, spec, shape, values) => {
      const r = index(x, ...spec);
      expect(r.shape).toEqual(shape);
      expect(Array.from(r.data)).toEqual(values);
    },
  );

  it('sends the gradient back (torch: (x[:, torch.tensor(True)] * 2).sum() -> all 2)', () => {
    const xg = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { dtype: 'float64', requiresGrad: true },
    );
    backward(sum(mul(index(xg, ':', tensor(1)), 2)));
    expect(xg.grad?.toArray()).toEqual([
      [2, 2, 2],
      [2, 2, 2],
    ]);
  });
});

describe('pad of an int32 tensor', () => {
  it('takes the value -2^31 (torch 1.13: F.pad(int32 [1, 2], (1, 0), value=-2**31) -> [-2147483648, 1, 2])', () => {
    const r = pad(tensor([1, 2], { dtype: 'int32' }), [[1, 0]], { value: -2147483648 });
    expect(r.dtype).toBe('int32');
    expect(Array.from(r.data)).toEqual([-2147483648, 1, 2]);
  });

  it('refuses 2^31, saying it is outside the int32 range', () => {
    expect(() => pad(tensor([1, 2], { dtype: 'int32' }), [[1, 0]], { value: 2147483648 })).toThrow(
      'pad: value must be an integer for an int32 x, got 2147483648, outside the int32 range',
    );
  });
});

describe('randomUniform in float32', () => {
  it('never returns high (torch.rand is in [0, 1) for float32 too)', () => {
    // With createRng(0), draw 4433008 of [0, 1) is >= 1 - 2^-25 and used to
    // round up to exactly 1 when stored as float32.
    const t = randomUniform([4433009], { rng: createRng(0) });
    let top = 0;
    for (const v of t.data) top = Math.max(top, v);
    expect(top).toBeLessThan(1);
    expect(top).toBeGreaterThan(0.9999);
  });

  it('returns the rounded draws when no float32 lies in [low, high)', () => {
    // Math.fround(0.99999999) is 1 >= high: nothing to redraw towards.
    const t = randomUniform([3], { low: 0.99999999, high: 0.999999995, rng: createRng(1) });
    expect(Array.from(t.data)).toEqual([1, 1, 1]);
  });
});
