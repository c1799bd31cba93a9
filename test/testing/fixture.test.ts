import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ModelFormatError, ShapeError, ValueError } from '../../src/_lib/errors.js';
import { sigmoid } from '../../src/activations/sigmoid.js';
import { dense } from '../../src/layers/dense.js';
import type { Sequential } from '../../src/models/model.js';
import { predict } from '../../src/models/predict.js';
import { sequential } from '../../src/models/sequential.js';
import { add } from '../../src/ops/add.js';
import { argmax } from '../../src/ops/argmax.js';
import { mul } from '../../src/ops/mul.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import {
  AssertionError,
  checkFixture,
  recordFixture,
  type FixtureJSON,
} from '../../src/testing/index.js';
import { readFixture } from '../../src/io/fixture.js';
import { bytesOf, viaText } from '../io/_helpers.js';

/** A linear float64 layer with known weights: y = x·K + b, K = [[1, 2], [3, 4], [5, 6]], b = [0.5, -0.5]. */
function linear(): Sequential {
  return sequential([
    dense(3, 2, {
      kernel: [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      bias: [0.5, -0.5],
      dtype: 'float64',
    }),
  ]);
}

const x = tensor(
  [
    [1, 0, 0],
    [0, 1, 0],
    [2, 0, 1],
  ],
  { dtype: 'float64' },
);

function assertionOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(AssertionError);
    return (e as Error).message;
  }
  throw new Error('expected an AssertionError');
}

function formatErrorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ModelFormatError);
    return (e as Error).message;
  }
  throw new Error('expected a ModelFormatError');
}

describe('recordFixture / checkFixture', () => {
  it('records a model as JSON that round-trips bit for bit', () => {
    const model = sequential([
      dense(3, 4, { activation: sigmoid, rng: createRng(1) }),
      dense(4, 2, { activation: sigmoid, rng: createRng(2) }),
    ]);
    const input = [
      [0.7, -1.5, 0.2],
      [1, 2, 3],
    ];
    const fixture = viaText(recordFixture(model, input, { description: 'a 3-4-2 sigmoid net' }));
    expect(fixture).toMatchObject({
      format: 'myelin.fixture',
      version: 1,
      description: 'a 3-4-2 sigmoid net',
      inputs: [{ dtype: 'float32', shape: [2, 3] }],
      outputs: [{ dtype: 'float32', shape: [2, 2] }],
    });
    const decoded = readFixture('test', fixture);
    expect(bytesOf(decoded.inputs[0]!.data)).toEqual(bytesOf(tensor(input).data));
    expect(bytesOf(decoded.outputs[0]!.data)).toEqual(bytesOf(predict(model, input).data));
    const r = checkFixture(model, fixture);
    expect(r.pass).toBe(true);
    expect(r.message).toBe('checkFixture: the output (4 elements) matches the fixture');
    // Pinned exactly too: zero tolerance still passes.
    expect(checkFixture(model, fixture, { atol: 0, rtol: 0 }).pass).toBe(true);
  });

  it('keeps NaN payloads, -0 and infinities, and counts a NaN that stays NaN as unchanged', () => {
    const weird = new Float64Array([NaN, -0, Infinity, -Infinity, 5e-324]);
    const bits = new DataView(weird.buffer);
    bits.setUint32(4, 0x7ff80000 | 0x1234, true); // a NaN with a payload
    const source = tensor(weird, { shape: [5] });
    const identity = (t: Tensor) => add(t, 0);
    const fixture = viaText(recordFixture(identity, [source]));
    const decoded = readFixture('test', fixture);
    expect(bytesOf(decoded.inputs[0]!.data)).toEqual(bytesOf(source.data));
    expect(checkFixture(identity, fixture).pass).toBe(true);
    expect(checkFixture(identity, fixture, { equalNaN: false, throwOnFailure: false }).pass).toBe(
      false,
    );
  });

  it('reports which outputs of a changed model moved, at the right indices and by how much', () => {
    const model = linear();
    const fixture = viaText(recordFixture(model, x));
    // kernel[0][1] += 0.5: output column 1 moves by 0.5·x[:,0] = [0.5, 0, 1] over the rows.
    const kernel = model.layers[0]!.params['kernel']!;
    kernel.data[1] = kernel.data[1]! + 0.5;
    const r = checkFixture(model, fixture, { throwOnFailure: false });
    expect(r.pass).toBe(false);
    const out = r.outputs[0]!;
    expect(out.mismatches.map((m) => m.index)).toEqual([
      [0, 1],
      [2, 1],
    ]);
    expect(out.mismatches.map((m) => m.absDiff)).toEqual([0.5, 1]);
    // Recorded column 1: row 0 = 2 − 0.5 = 1.5, row 2 = 2·2 + 6 − 0.5 = 9.5.
    expect(out.mismatches.map((m) => [m.actual, m.expected])).toEqual([
      [2, 1.5],
      [10.5, 9.5],
    ]);
    expect(assertionOf(() => checkFixture(model, fixture))).toMatchInlineSnapshot(`
      "checkFixture: 1 of 1 output moved
        outputs[0]: values are not close: 2 of 6 elements (33.3%) differ by more than atol + rtol·|recorded| (rtol 1e-7, atol 1e-7)
          greatest absolute difference: 1 at [2,1]
          greatest relative difference: 0.333 at [0,1]
          first mismatches (index: now vs recorded):
            [0,1]: 2 vs 1.5, |diff| 0.5 > allowed 2.5e-7
            [2,1]: 10.5 vs 9.5, |diff| 1 > allowed 1.05e-6"
    `);
  });

  it('checks every output of a function and reports a changed count', () => {
    const two = (a: Tensor, b: Tensor): Tensor[] => [add(a, b), mul(a, b)];
    const fixture = viaText(recordFixture(two, [tensor([1, 2]), tensor([3, 4])]));
    expect(fixture.inputs).toHaveLength(2);
    expect(checkFixture(two, fixture).message).toBe(
      'checkFixture: all 2 outputs (4 elements) match the fixture',
    );
    const changed = (a: Tensor, b: Tensor): Tensor[] => [add(a, b), mul(mul(a, b), 1.5)];
    const r = checkFixture(changed, fixture, { throwOnFailure: false });
    expect(r.outputs.map((o) => o.pass)).toEqual([true, false]);
    expect(r.message.split('\n')[0]).toBe('checkFixture: 1 of 2 outputs moved');
    // The outputs that still exist are compared too (here the sum moved as well).
    const fewer = assertionOf(() => checkFixture((a: Tensor) => add(a, 1), fixture)).split('\n');
    expect(fewer[0]).toBe('checkFixture: the function returned 1 output, the fixture recorded 2');
    expect(fewer[1]).toMatch(/^ {2}outputs\[0\]: values are not close: 2 of 2 elements/);
  });

  it('reports an output whose shape or dtype changed', () => {
    const fixture = viaText(recordFixture((a: Tensor) => mul(a, 2), [tensor([[1, 2]])]));
    expect(checkFixture((a: Tensor) => mul(a, 2), fixture).pass).toBe(true);
    const reshaped = (a: Tensor) => tensor(Array.from(mul(a, 2).data));
    expect(assertionOf(() => checkFixture(reshaped, fixture))).toMatchInlineSnapshot(`
      "checkFixture: 1 of 1 output moved
        outputs[0]: shapes differ: now [2], recorded [1,2]"
    `);
    const widened = (a: Tensor) => tensor(mul(a, 2), { dtype: 'float64' });
    expect(checkFixture(widened, fixture, { throwOnFailure: false }).outputs[0]!.reason).toBe(
      'dtype',
    );
    expect(checkFixture(widened, fixture, { checkDtype: false }).pass).toBe(true);
  });

  it('pins int32 results exactly: predicted labels from argmax', () => {
    const model = linear();
    const labels = (input: Tensor) => argmax(predict(model, input), { axis: 1 });
    const fixture = viaText(recordFixture(labels, [x]));
    // Rows of x·K + b: [1.5, 1.5], [3.5, 3.5], [7.5, 9.5]; ties go to the first index.
    expect(fixture.outputs[0]).toMatchObject({ dtype: 'int32', shape: [3] });
    expect(Array.from(readFixture('test', fixture).outputs[0]!.data)).toEqual([0, 0, 1]);
    expect(checkFixture(labels, fixture).pass).toBe(true);
    const kernel = model.layers[0]!.params['kernel']!;
    kernel.data[2] = kernel.data[2]! + 1; // K[1][0]: row 1 becomes [4.5, 3.5], still label 0
    expect(checkFixture(labels, fixture).pass).toBe(true);
    kernel.data[5] = kernel.data[5]! - 3; // K[2][1]: row 2 becomes [7.5, 6.5], label 1 → 0
    const r = checkFixture(labels, fixture, { throwOnFailure: false });
    expect(r.outputs[0]!.mismatches).toEqual([
      { index: [2], actual: 0, expected: 1, absDiff: 1, allowed: 0 },
    ]);
  });

  it('records the inputs as given, even when the function writes into them', () => {
    const vandal = (a: Tensor) => {
      a.data[0] = 99;
      return mul(a, 1);
    };
    const fixture = recordFixture(vandal, [tensor([1, 2])]);
    expect(Array.from(readFixture('test', fixture).inputs[0]!.data)).toEqual([1, 2]);
  });

  it('pins any function of random float32 inputs bit for bit (property)', () => {
    const double = (a: Tensor) => mul(a, 2);
    fc.assert(
      fc.property(
        fc.array(fc.float({ noNaN: true }), { minLength: 0, maxLength: 16 }),
        (values) => {
          const input = tensor(Float32Array.from(values));
          const fixture = viaText(recordFixture(double, [input]));
          const decoded = readFixture('test', fixture);
          expect(bytesOf(decoded.outputs[0]!.data)).toEqual(bytesOf(double(input).data));
          expect(checkFixture(double, fixture, { atol: 0, rtol: 0 }).pass).toBe(true);
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('fixtures as untrusted input', () => {
  const model = linear();
  const good = (): FixtureJSON => viaText(recordFixture(model, x));

  it('refuses a fixture whose inputs do not fit the model, saying which shapes', () => {
    const other = sequential([dense(4, 2, { rng: createRng(0) })]);
    expect(() => checkFixture(other, good())).toThrow(ShapeError);
    expect(() => checkFixture(other, good())).toThrow(
      /^checkFixture: the fixture's inputs \(\[3,3\]\) do not fit the model: predict: /,
    );
    const twoInputs = viaText(recordFixture((a: Tensor, b: Tensor) => add(a, b), [[1], [2]]));
    expect(() => checkFixture(model, twoInputs)).toThrow(
      new ValueError(
        'checkFixture: a model takes one input batch, but the fixture holds 2 inputs (was it recorded from a function?)',
      ),
    );
  });

  it('names the field of a tampered fixture', () => {
    const cases: [string, (f: Record<string, unknown>) => unknown, string][] = [
      [
        'not an object',
        () => 42,
        'checkFixture: the document must be an object (a fixture, as recordFixture returns), got 42',
      ],
      [
        'a model file',
        (f) => ({ ...f, format: 'myelin.model' }),
        'checkFixture: format must be "myelin.fixture", got "myelin.model"',
      ],
      [
        'a newer version',
        (f) => ({ ...f, version: 2 }),
        'checkFixture: version is 2: the fixture was written by a newer myelin; this one reads fixture versions up to 1',
      ],
      [
        'no outputs',
        (f) => ({ ...f, outputs: [] }),
        'checkFixture: outputs must hold at least one tensor',
      ],
      [
        'a missing field',
        (f) => ({ format: f.format, version: 1, outputs: f.outputs }),
        'checkFixture: the document is missing the field "inputs"',
      ],
      [
        'an unknown field',
        (f) => ({ ...f, extra: 1 }),
        'checkFixture: the document has unknown field "extra"; expected only format, version, description, inputs, outputs',
      ],
      [
        'truncated data',
        (f) => ({ ...f, outputs: [{ ...(f.outputs as object[])[0], data: 'AAAA' }] }),
        'checkFixture: outputs[0].data must be base64 of 48 bytes (64 characters), got 4 characters',
      ],
      [
        'a shape that does not match the data',
        (f) => ({ ...f, outputs: [{ ...(f.outputs as object[])[0], shape: [3, 3] }] }),
        'checkFixture: outputs[0].data must be base64 of 72 bytes (96 characters), got 64 characters',
      ],
      [
        'an absurd shape',
        (f) => ({ ...f, inputs: [{ dtype: 'float64', shape: [65536, 65536], data: '' }] }),
        'checkFixture: inputs[0].shape has 4294967296 elements, more than the limit of 268435456',
      ],
      [
        'a bad dtype',
        (f) => ({ ...f, inputs: [{ dtype: 'int64', shape: [1], data: 'AAAAAAAAAAA=' }] }),
        'checkFixture: inputs[0].dtype must be one of "float32", "float64", "int32", got "int64"',
      ],
    ];
    for (const [what, tamper, message] of cases) {
      expect(
        formatErrorOf(() => checkFixture(model, tamper(good() as never))),
        what,
      ).toBe(message);
    }
    const proto = JSON.parse(
      JSON.stringify(good()).replace('"format"', '"__proto__":{"x":1},"format"'),
    ) as unknown;
    expect(formatErrorOf(() => checkFixture(model, proto))).toBe(
      'checkFixture: the document has a forbidden key "__proto__"',
    );
    expect(formatErrorOf(() => checkFixture(model, '{"format": '))).toMatch(
      /^checkFixture: the document is not valid JSON: /,
    );
    // JSON text that holds a good fixture is read as the fixture.
    expect(checkFixture(model, JSON.stringify(good())).pass).toBe(true);
  });

  it('rejects bad subjects and options', () => {
    expect(() => checkFixture({} as never, good())).toThrow(
      'checkFixture: subject must be a model made by sequential() or graph(), or a function of tensors, got {}',
    );
    expect(() => checkFixture(model, good(), { atol: -1 })).toThrow(
      'checkFixture: atol must be a finite number >= 0, got -1',
    );
    expect(() => checkFixture(model, good(), { broadcast: true } as never)).toThrow(
      'checkFixture: unknown option "broadcast" in options; expected one of rtol, atol, equalNaN, checkDtype, throwOnFailure',
    );
    expect(() => recordFixture(model, x, { description: 3 } as never)).toThrow(
      'recordFixture: description must be a string, got 3',
    );
    expect(() => recordFixture((a: Tensor) => a, tensor([1]) as never)).toThrow(
      'recordFixture: inputs must be an array of inputs, one per argument of the function, got a float32 Tensor of shape [1]',
    );
    expect(() => recordFixture((() => 3) as never, [[1]])).toThrow(
      'recordFixture: the function must return a Tensor or a non-empty array of tensors, got 3',
    );
    expect(() => recordFixture('model' as never, [[1]])).toThrow(
      'recordFixture: subject must be a model made by sequential() or graph(), or a function of tensors, got "model"',
    );
  });
});
