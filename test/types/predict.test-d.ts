// What predict returns is typed per model: one Tensor for one output, a tuple
// of tensors for several, never `Tensor | Tensor[]`; what it takes is one
// batch for one input, a tuple of batches for several. Checked by tsc (the
// vitest node project's typecheck step, and npm run typecheck).
import { describe, expectTypeOf, it } from 'vitest';
import {
  dense,
  graph,
  input,
  predict,
  sequential,
  type GraphModel,
  type Sequential,
  type Tensor,
  type TensorLike,
} from '../../src/index.js';

describe('predict typing', () => {
  it('one output: a Tensor', () => {
    const model = sequential([dense(2, 1)]);
    expectTypeOf(model).toEqualTypeOf<Sequential>();
    expectTypeOf(predict(model, [[0, 1]])).toEqualTypeOf<Tensor>();

    const x = input([3]);
    const g = graph({ inputs: x, outputs: dense(3, 2).apply(x) });
    expectTypeOf(g).toEqualTypeOf<GraphModel>();
    expectTypeOf(predict(g, [[1, 2, 3]])).toEqualTypeOf<Tensor>();
    expectTypeOf(predict(g, [[1, 2, 3]])).not.toEqualTypeOf<Tensor | Tensor[]>();
  });

  it('two outputs: [Tensor, Tensor]', () => {
    const x = input([3]);
    const shared = dense(3, 2);
    const g = graph({ inputs: x, outputs: [shared.apply(x), dense(3, 4).apply(x)] });
    const out = predict(g, [[1, 2, 3]]);
    expectTypeOf(out).toEqualTypeOf<[Tensor, Tensor]>();
    const [a, b] = out;
    expectTypeOf(a).toEqualTypeOf<Tensor>();
    expectTypeOf(b).toEqualTypeOf<Tensor>();
  });

  it('two inputs: a tuple of batches; one batch alone is rejected', () => {
    const a = input([3]);
    const b = input([2]);
    const g = graph({ inputs: [a, b], outputs: dense(3, 1).apply(a) });
    expectTypeOf(predict(g, [[[1, 2, 3]], [[4, 5]]])).toEqualTypeOf<Tensor>();
    expectTypeOf(predict<readonly [TensorLike, TensorLike], Tensor>)
      .parameter(1)
      .toEqualTypeOf<readonly [TensorLike, TensorLike]>();
    // @ts-expect-error a model of two inputs takes a tuple of two batches
    void predict(g, [[1, 2, 3]]);
  });
});
