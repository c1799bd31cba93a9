// Bad input, one row per case: every call must throw (or reject with) the
// given error class, with a message that starts with the function's name and
// shows the offending value. Sizes beyond the element limit must fail before
// anything is allocated: a row that allocated 10^10 floats would crash here.
import { describe, expect, it } from 'vitest';
import { MyelinError, ShapeError, ValueError } from '../src/_lib/errors.js';
import { setLimits } from '../src/_lib/limits.js';
import { parseCsv, readCsv } from '../src/data/csv.js';
import { kFold } from '../src/data/kfold.js';
import { oneHot } from '../src/data/onehot.js';
import { dense } from '../src/layers/dense.js';
import {
  add,
  broadcastTo,
  greater,
  matmul,
  maximum,
  mean,
  mul,
  std,
  variance,
  where,
} from '../src/ops/index.js';
import {
  eye,
  full,
  ones,
  onesLike,
  randomNormal,
  randomUniform,
  tensor,
  zeros,
  zerosLike,
} from '../src/tensor/create.js';

interface Row {
  /** What is probed. */
  readonly name: string;
  readonly call: () => unknown;
  readonly error: typeof MyelinError;
  /** The function the message must start with. */
  readonly fn: string;
  /** Text the message must contain: the value, shown. */
  readonly value: string;
}

const circular: unknown[] = [1];
circular[0] = circular;
let deep: unknown = 1;
for (let i = 0; i < 100_000; i++) deep = [deep];
// 10^5 references to one row of 10^5 zeros: cheap to build, 10^10 elements as a tensor.
const row = new Array<number>(100_000).fill(0);
const huge = new Array<number[]>(100_000).fill(row);

async function gzip(text: string): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Runs `call` under a lower byte limit, restoring the old limits afterwards. */
async function withMaxBytes(maxBytes: number, call: () => Promise<unknown>): Promise<unknown> {
  const before = setLimits({ maxBytes });
  try {
    return await call();
  } finally {
    setLimits(before);
  }
}

const rows: Row[] = [
  // Sizes over the element limit (2^28 by default), checked before allocating.
  {
    name: 'zeros 1e5 x 1e5',
    call: () => zeros([1e5, 1e5]),
    error: ValueError,
    fn: 'zeros',
    value: 'shape [100000,100000] has 10000000000 elements',
  },
  {
    name: 'ones 1e5 x 1e5',
    call: () => ones([1e5, 1e5]),
    error: ValueError,
    fn: 'ones',
    value: '10000000000 elements',
  },
  {
    name: 'full 1e5 x 1e5',
    call: () => full([1e5, 1e5], 7),
    error: ValueError,
    fn: 'full',
    value: '10000000000 elements',
  },
  {
    name: 'eye 1e5',
    call: () => eye(1e5),
    error: ValueError,
    fn: 'eye',
    value: 'shape [100000,100000]',
  },
  {
    name: 'randomNormal 1e5 x 1e5',
    call: () => randomNormal([1e5, 1e5]),
    error: ValueError,
    fn: 'randomNormal',
    value: '10000000000 elements',
  },
  {
    name: 'tensor of 1e5 x 1e5 nested arrays',
    call: () => tensor(huge),
    error: ValueError,
    fn: 'tensor',
    value: 'shape [100000,100000]',
  },
  {
    name: 'add broadcasting to 40000 x 40000',
    call: () => add(zeros([40000, 1]), zeros([1, 40000])),
    error: ValueError,
    fn: 'add',
    value: '[40000,40000] (broadcast from [40000,1], [1,40000]) has 1600000000 elements',
  },
  {
    name: 'mul broadcasting to 40000 x 40000',
    call: () => mul(zeros([1, 40000]), zeros([40000, 1])),
    error: ValueError,
    fn: 'mul',
    value: '1600000000 elements',
  },
  {
    name: 'maximum broadcasting to 40000 x 40000',
    call: () => maximum(zeros([40000, 1]), zeros([40000])),
    error: ValueError,
    fn: 'maximum',
    value: '1600000000 elements',
  },
  {
    name: 'greater broadcasting to 40000 x 40000',
    call: () => greater(zeros([40000, 1]), zeros([40000])),
    error: ValueError,
    fn: 'greater',
    value: '1600000000 elements',
  },
  {
    name: 'where broadcasting to 40000 x 40000',
    call: () => where(zeros([40000, 1]), zeros([40000]), 0),
    error: ValueError,
    fn: 'where',
    value: '1600000000 elements',
  },
  {
    name: 'broadcastTo 40000 x 40000',
    call: () => broadcastTo(ones([1]), [40000, 40000]),
    error: ValueError,
    fn: 'broadcastTo',
    value: '[40000,40000]',
  },
  {
    name: 'matmul to 40000 x 40000',
    call: () => matmul(zeros([40000, 1]), zeros([1, 40000])),
    error: ValueError,
    fn: 'matmul',
    value: '[40000,1] x [1,40000]',
  },
  {
    name: 'oneHot with 1e9 classes',
    call: () => oneHot([1, 2], 1e9),
    error: ValueError,
    fn: 'oneHot',
    value: 'shape [2,1000000000] has 2000000000 elements',
  },
  // Unknown or mistyped options.
  {
    name: 'tensor requiresgrad (a typo)',
    call: () => tensor([1], { requiresgrad: true } as never),
    error: ValueError,
    fn: 'tensor',
    value: 'unknown option "requiresgrad"',
  },
  {
    name: 'tensor requiresGrad "yes"',
    call: () => tensor([1], { requiresGrad: 'yes' } as never),
    error: ValueError,
    fn: 'tensor',
    value: '"yes"',
  },
  {
    name: 'tensor options null',
    call: () => tensor([1], null as never),
    error: ValueError,
    fn: 'tensor',
    value: 'null',
  },
  {
    name: 'zeros requiresgrad (a typo)',
    call: () => zeros([2], { requiresgrad: true } as never),
    error: ValueError,
    fn: 'zeros',
    value: 'unknown option "requiresgrad"',
  },
  {
    name: 'ones dtpye (a typo)',
    call: () => ones([2], { dtpye: 'float64' } as never),
    error: ValueError,
    fn: 'ones',
    value: 'unknown option "dtpye"',
  },
  {
    name: 'full with an option of another factory',
    call: () => full([2], 1, { rng: 1 } as never),
    error: ValueError,
    fn: 'full',
    value: 'unknown option "rng"',
  },
  {
    name: 'randomUniform lo (for low)',
    call: () => randomUniform([2], { lo: 0 } as never),
    error: ValueError,
    fn: 'randomUniform',
    value: 'unknown option "lo"',
  },
  // Nothing to reduce.
  {
    name: 'mean of an empty tensor',
    call: () => mean(zeros([0])),
    error: ValueError,
    fn: 'mean',
    value: 'axis 0 of size 0 in shape [0]',
  },
  {
    name: 'mean over an empty axis',
    call: () => mean(zeros([3, 0]), { axis: 1 }),
    error: ValueError,
    fn: 'mean',
    value: 'axis 1 of size 0 in shape [3,0]',
  },
  {
    name: 'variance of an empty tensor',
    call: () => variance(zeros([0])),
    error: ValueError,
    fn: 'variance',
    value: 'shape [0]',
  },
  {
    name: 'std of an empty tensor',
    call: () => std(zeros([0, 2])),
    error: ValueError,
    fn: 'std',
    value: 'shape [0,2]',
  },
  // Arrays that would overflow the stack.
  {
    name: 'tensor of a circular array',
    call: () => tensor(circular as never),
    error: ValueError,
    fn: 'tensor',
    value: 'nested more than 32 arrays deep (a circular array?)',
  },
  {
    name: 'tensor of a 100,000-deep array',
    call: () => tensor(deep as never),
    error: ValueError,
    fn: 'tensor',
    value: 'nested more than 32 arrays deep',
  },
  {
    name: 'tensor of a ragged array that contains itself',
    call: () => {
      const a: unknown[] = [1, 2];
      a[1] = a;
      return tensor(a as never);
    },
    error: ShapeError,
    fn: 'tensor',
    value: 'values[1] is [1,[1,[1,[...]]]]',
  },
  // Not a tensor.
  {
    name: 'zerosLike(null)',
    call: () => zerosLike(null as never),
    error: ValueError,
    fn: 'zerosLike',
    value: 'got null',
  },
  {
    name: 'onesLike(a plain array)',
    call: () => onesLike([1, 2] as never),
    error: ValueError,
    fn: 'onesLike',
    value: 'got [1,2]',
  },
  // Objects shown as what they are, not [object Object].
  {
    name: 'kFold given a tensor as n',
    call: () => kFold(tensor([1, 2, 3]) as never, 2),
    error: ValueError,
    fn: 'kFold',
    value: 'got a float32 Tensor of shape [3]',
  },
  {
    name: 'kFold given an options object as n',
    call: () => kFold({ n: 10, k: 2 } as never, 2),
    error: ValueError,
    fn: 'kFold',
    value: 'got {n: 10, k: 2}',
  },
  {
    name: 'kFold given a Date as rng',
    call: () => kFold(10, 2, { rng: new Date(0) } as never),
    error: ValueError,
    fn: 'kFold',
    value: 'got a Date',
  },
  // CSV.
  {
    name: 'parseCsv given a path',
    call: () => parseCsv('data/digits.csv.gz'),
    error: ValueError,
    fn: 'parseCsv',
    value: '"data/digits.csv.gz" looks like a file path',
  },
  {
    name: 'readCsv given a path',
    call: () => readCsv('data/digits.csv.gz'),
    error: ValueError,
    fn: 'readCsv',
    value: '"data/digits.csv.gz" looks like a file path',
  },
  {
    name: 'readCsv given a URL',
    call: () => readCsv(new URL('https://example.org/d.csv') as never),
    error: ValueError,
    fn: 'readCsv',
    value: 'source is a URL',
  },
  {
    name: 'parseCsv with a missing value',
    call: () => parseCsv('a,b\n1,\n', { header: true }),
    error: ValueError,
    fn: 'parseCsv',
    value: 'line 2, column 2 ("b"): missing value',
  },
  {
    name: 'parseCsv with a class-name column',
    call: () => parseCsv('x,y\n1,cat\n', { header: true }),
    error: ValueError,
    fn: 'parseCsv',
    value: 'pass { labelColumn: "y" }',
  },
  {
    name: 'readCsv on a gzip bomb',
    call: async () => {
      const bomb = await gzip('0,0\n'.repeat(500_000));
      return withMaxBytes(100_000, () => readCsv(bomb));
    },
    error: ValueError,
    fn: 'readCsv',
    value: 'the gunzipped data (from',
  },
  // The limits themselves.
  {
    name: 'setLimits maxElements 0',
    call: () => setLimits({ maxElements: 0 }),
    error: ValueError,
    fn: 'setLimits',
    value: 'got 0',
  },
  {
    name: 'setLimits maxBytes 1.5',
    call: () => setLimits({ maxBytes: 1.5 }),
    error: ValueError,
    fn: 'setLimits',
    value: 'got 1.5',
  },
  {
    name: 'setLimits maxelements (a typo)',
    call: () => setLimits({ maxelements: 5 } as never),
    error: ValueError,
    fn: 'setLimits',
    value: 'unknown option "maxelements"',
  },
];

describe('bad input', () => {
  it.each(rows)('$name', async ({ call, error, fn, value }) => {
    let thrown: unknown = null;
    try {
      await call();
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(error);
    const message = (thrown as Error).message;
    expect(message.startsWith(`${fn}: `), message).toBe(true);
    expect(message).toContain(value);
  });

  it('leaves the limits as they were', async () => {
    const before = setLimits({});
    await withMaxBytes(10, () => Promise.resolve());
    expect(setLimits({})).toEqual(before);
    expect(before).toEqual({ maxElements: 2 ** 28, maxBytes: 2 ** 28 });
  });
});

describe('dense refuses a kernel over the element limit before allocating', () => {
  it('names the layer and the size', () => {
    expect(() => dense(50000, 50000)).toThrow(
      'dense: the kernel [50000,50000] has 2500000000 elements, more than the limit of 268435456 (raise it with setLimits({ maxElements }))',
    );
  });
});
