// The public types as a strict user meets them (strict, exactOptionalPropertyTypes,
// noUncheckedIndexedAccess): what the runtime accepts compiles without casts, what
// it refuses (or returns in another shape) is rejected or typed as it comes back.
// Each case failed on the types before its fix. Checked by tsc (the vitest node
// project's typecheck step, and npm run typecheck).
import { describe, expectTypeOf, it } from 'vitest';
import {
  addLayer,
  concatenateLayer,
  crossEntropy,
  dense,
  evaluate,
  fit,
  mse,
  sgd,
  gatherNd,
  gradientTimesInput,
  graph,
  input,
  integratedGradients,
  lengthsMask,
  lrp,
  Network,
  occlusion,
  parseCsv,
  predict,
  readCsv,
  saliency,
  scaledDotProductAttention,
  sequential,
  smoothGrad,
  tensor,
  withMask,
  zeros,
  type AttentionResult,
  type BuiltinLayer,
  type Layer,
  type CsvLabelOptions,
  type LabeledCsv,
  type ParseCsvOptions,
  type ReadCsvOptions,
  type ScaledDotProductAttentionOptions,
  type SymbolicTensor,
  type Tensor,
  type TargetsOf,
  type TensorLike,
} from '../../src/index.js';
import { fromOnnx, toOnnx } from '../../src/onnx/index.js';

describe('readonly data', () => {
  it('is a TensorLike: as-const and readonly nested arrays, as tensor() takes them', () => {
    const table = [
      [0, 0],
      [0, 1],
    ] as const;
    const rows: readonly (readonly number[])[] = [[1, 2]];
    expectTypeOf(tensor(table)).toEqualTypeOf<Tensor>();
    expectTypeOf(tensor(rows)).toEqualTypeOf<Tensor>();
    expectTypeOf(rows).toExtend<TensorLike>();
    expectTypeOf(table).toExtend<TensorLike>();
    // and so wherever a TensorLike goes: predict, data tools, gatherNd's indices
    expectTypeOf(predict(sequential([dense(2, 1)]), table)).toEqualTypeOf<Tensor>();
    expectTypeOf(gatherNd(tensor([[1, 2]]), [[0, 1]] as const)).toEqualTypeOf<Tensor>();
    // still no strings or objects
    // @ts-expect-error not numbers
    void tensor(['a']);
    // @ts-expect-error not numbers
    void tensor([{ x: 1 }]);
  });
});

describe('graph models declared with one-element arrays', () => {
  it('take one batch and return one Tensor, as predict does at run time', () => {
    const x = input([3]);
    const g = graph({ inputs: [x], outputs: [dense(3, 2).apply(x)] });
    expectTypeOf(predict(g, [[1, 2, 3]])).toEqualTypeOf<Tensor>();
    // @ts-expect-error one input: the batch itself, not wrapped in an array
    void predict(g, [tensor([[1, 2, 3]])]);
  });

  it('arrays of unknown length give either form; tuples stay exact', () => {
    const a = input([3]);
    const b = input([2]);
    const outs: SymbolicTensor[] = [dense(3, 1).apply(a), dense(2, 1).apply(b)];
    const g = graph({ inputs: [a, b], outputs: outs });
    expectTypeOf(predict(g, [[[1, 2, 3]], [[4, 5]]])).toEqualTypeOf<Tensor | Tensor[]>();
    const ins: SymbolicTensor[] = [a];
    const h = graph({ inputs: ins, outputs: dense(3, 1).apply(a) });
    expectTypeOf(predict<TensorLike | readonly TensorLike[], Tensor>)
      .parameter(1)
      .toEqualTypeOf<TensorLike | readonly TensorLike[]>();
    expectTypeOf(predict(h, [[1, 2, 3]])).toEqualTypeOf<Tensor>();
    const two = graph({ inputs: [a, b], outputs: [dense(3, 1).apply(a), dense(2, 4).apply(b)] });
    expectTypeOf(predict(two, [[[1, 2, 3]], [[4, 5]]])).toEqualTypeOf<[Tensor, Tensor]>();
  });
});

describe('models read from bytes', () => {
  it('fromOnnx: one batch in, one Tensor out by default; the caller names several', () => {
    const x = input([3]);
    const bytes = toOnnx(
      graph({ inputs: x, outputs: [dense(3, 1).apply(x), dense(3, 2).apply(x)] }),
    );
    expectTypeOf(predict(fromOnnx(bytes), [[1, 2, 3]])).toEqualTypeOf<Tensor>();
    const two = fromOnnx<TensorLike, [Tensor, Tensor]>(bytes);
    expectTypeOf(predict(two, [[1, 2, 3]])).toEqualTypeOf<[Tensor, Tensor]>();
  });
});

describe('options whose flag is only known as a boolean', () => {
  const q = tensor([[[[1, 0]]]]);
  const k = tensor([
    [
      [
        [1, 0],
        [1, 0],
      ],
    ],
  ]);

  it('scaledDotProductAttention: Tensor | AttentionResult, exact for literal flags', () => {
    expectTypeOf(scaledDotProductAttention(q, k, k)).toEqualTypeOf<Tensor>();
    expectTypeOf(scaledDotProductAttention(q, k, k, { causal: true })).toEqualTypeOf<Tensor>();
    expectTypeOf(
      scaledDotProductAttention(q, k, k, { returnWeights: false }),
    ).toEqualTypeOf<Tensor>();
    expectTypeOf(
      scaledDotProductAttention(q, k, k, { returnWeights: true }),
    ).toEqualTypeOf<AttentionResult>();
    const flag = Math.random() < 0.5;
    expectTypeOf(scaledDotProductAttention(q, k, k, { returnWeights: flag })).toEqualTypeOf<
      Tensor | AttentionResult
    >();
    const options: ScaledDotProductAttentionOptions = { returnWeights: true };
    expectTypeOf(scaledDotProductAttention(q, k, k, options)).toEqualTypeOf<
      Tensor | AttentionResult
    >();
    // @ts-expect-error misspelt option
    void scaledDotProductAttention(q, k, k, { returnWeight: true });
  });

  it('parseCsv and readCsv: rows, or a LabeledCsv when labelColumn may be set', async () => {
    expectTypeOf(parseCsv('1,2')).toEqualTypeOf<number[][]>();
    expectTypeOf(parseCsv('a,b\n1,2', { header: true })).toEqualTypeOf<number[][]>();
    expectTypeOf(
      parseCsv('a,b\n1,2', { header: true, labelColumn: 'b' }),
    ).toEqualTypeOf<LabeledCsv>();
    const maybe: ParseCsvOptions & Partial<CsvLabelOptions> = { header: true, labelColumn: 'b' };
    expectTypeOf(parseCsv('a,b\n1,2', maybe)).toEqualTypeOf<number[][] | LabeledCsv>();
    const plain: ParseCsvOptions = { header: true };
    expectTypeOf(parseCsv('a,b\n1,2', plain)).toEqualTypeOf<number[][]>();
    const read: ReadCsvOptions & Partial<CsvLabelOptions> = { labelColumn: 0 };
    expectTypeOf(await readCsv('1,2', read)).toEqualTypeOf<number[][] | LabeledCsv>();
    expectTypeOf(await readCsv('1,2')).toEqualTypeOf<number[][]>();
  });
});

describe('arguments the runtime refuses', () => {
  const model = sequential([dense(2, 1)]);

  it('explanations take a model: not a Network, a layer, or anything else', () => {
    expectTypeOf(saliency(model, [[1, 2]])).toEqualTypeOf<Tensor>();
    const x = input([2]);
    expectTypeOf(
      saliency(graph({ inputs: x, outputs: dense(2, 1).apply(x) }), [[1, 2]]),
    ).toEqualTypeOf<Tensor>();
    // @ts-expect-error a Network is not a model: pass net.model
    void saliency(new Network([dense(2, 1)]), [[1, 2]]);
    // @ts-expect-error a layer is not a model
    void lrp(dense(2, 1), [[1, 2]]);
    // @ts-expect-error arguments swapped
    void gradientTimesInput([[1, 2]], model);
    // @ts-expect-error not a model
    void integratedGradients({}, [[1, 2]]);
    // @ts-expect-error not a model
    void smoothGrad('model', [[1, 2]]);
    // @ts-expect-error not a model
    void occlusion(null, [[1, 2]], { window: 1 });
  });

  it('merge layers are applied to an array of inputs, never to one alone', () => {
    const a = input([3]);
    const b = input([3]);
    expectTypeOf(addLayer().apply([a, b])).toEqualTypeOf<SymbolicTensor>();
    const branches: SymbolicTensor[] = [a, b];
    expectTypeOf(concatenateLayer().apply(branches)).toEqualTypeOf<SymbolicTensor>();
    // still layers like any other
    expectTypeOf(addLayer()).toExtend<Layer>();
    expectTypeOf(addLayer()).toExtend<BuiltinLayer>();
    void sequential([dense(3, 3)]);
    // @ts-expect-error a merge of one input: 'an add layer takes 2 inputs, got 1' at run time
    void addLayer().apply(a);
    // @ts-expect-error the same for concatenate
    void concatenateLayer().apply(b);
  });

  it('withMask takes a [batch, steps] mask of 0/1 or booleans, a Uint8Array, a Tensor or null', () => {
    const x = zeros([2, 3, 1]);
    expectTypeOf(withMask(x, lengthsMask([3, 1], 3))).toEqualTypeOf<Tensor>();
    expectTypeOf(
      withMask(x, [
        [1, 1, 0],
        [true, false, false],
      ]),
    ).toEqualTypeOf<Tensor>();
    expectTypeOf(withMask(x, new Uint8Array(6))).toEqualTypeOf<Tensor>();
    expectTypeOf(withMask(x, null)).toEqualTypeOf<Tensor>();
    // @ts-expect-error a string is no mask
    void withMask(x, 'all');
    // @ts-expect-error a flat number array is no mask (a Uint8Array is the flat form)
    void withMask(x, [1, 1, 0, 1, 0, 0]);
    // @ts-expect-error strings inside
    void withMask(x, [['1', '0', '0']]);
  });
});

describe('fit and evaluate targets', () => {
  it('one TensorLike per model output, in the outputs form', async () => {
    const a = input([2]);
    const two = graph({ inputs: a, outputs: [dense(2, 1).apply(a), dense(2, 3).apply(a)] });
    const x = [[1, 2]];
    const opts = { loss: [mse, crossEntropy], optimizer: sgd() };
    await fit(two, x, [[[1]], [2]], opts);
    expectTypeOf(evaluate(two, x, [[[1]], [2]], { loss: [mse, crossEntropy] }).loss).toBeNumber();
    // @ts-expect-error one target for a model of two outputs (the runtime refuses it too)
    await fit(two, x, [[1]] as TensorLike, opts);
    // @ts-expect-error a target that is no TensorLike
    await fit(sequential([dense(2, 1)]), x, 'labels', { loss: mse, optimizer: sgd() });
    expectTypeOf<TargetsOf<Tensor>>().toEqualTypeOf<TensorLike>();
  });
});
