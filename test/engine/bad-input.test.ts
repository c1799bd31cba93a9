// Bad input to the engine, one row per case (as test/bad-input.test.ts): each
// call must throw (or reject with) the given error class, with a message that
// starts with the function's name and shows the layer or the value involved.
// Rows marked `weights` also check that no parameter changed.
//
// A graph with a cycle cannot be built from symbolic tensors (each is made
// from tensors that already exist), so the cycle rows tamper a saved graph
// file, where a node reading itself or a later node is rejected.
import { describe, expect, it } from 'vitest';
import { ModelFormatError, MyelinError, ShapeError, ValueError } from '../../src/_lib/errors.js';
import {
  adam,
  addLayer,
  applyLayer,
  concatenateLayer,
  createRng,
  crossEntropy,
  dense,
  fit,
  fromJSON,
  grad,
  gradcheck,
  graph,
  input,
  layerForward,
  mse,
  multiplyLayer,
  namedParameters,
  predict,
  sequential,
  sum,
  tanh,
  tensor,
  toJSON,
  valueAndGrad,
  type Model,
} from '../../src/index.js';

interface Row {
  readonly name: string;
  readonly call: () => unknown;
  readonly error: typeof MyelinError;
  /** The function the message must start with. */
  readonly fn: string;
  /** Text the message must contain: the layer or the value, shown. */
  readonly value: string;
  /** A model whose parameters must be exactly as they were after the call. */
  readonly weights?: Model;
}

const ctx = { training: false, rng: createRng(0) };
const a = input([3]);
const b = input([2]);

/** A saved three-node graph (dense, dense, add) as plain JSON, to tamper with. */
function savedGraph(): {
  model: { nodes: { layer: number; inputs: number[][] }[]; layers: { name: string }[] };
} {
  const x = input([3]);
  const h = dense(3, 3, { activation: tanh, rng: createRng(1) }).apply(x);
  const m = graph({
    inputs: x,
    outputs: addLayer().apply([h, dense(3, 3, { rng: createRng(2) }).apply(h)]),
  });
  return JSON.parse(JSON.stringify(toJSON(m))) as ReturnType<typeof savedGraph>;
}
function tampered(edit: (j: ReturnType<typeof savedGraph>) => void): unknown {
  const j = savedGraph();
  edit(j);
  return j;
}

const classifier = (): Model => {
  const rng = createRng(3);
  return sequential([dense(3, 4, { activation: tanh, rng }), dense(4, 3, { rng })]);
};
const trainingX = [
  [0.1, 0.2, 0.3],
  [1, -1, 0.5],
  [0, 2, -1],
  [0.3, 0.3, 0.3],
];
const badLabels = classifier();
const badValidation = classifier();
const badSecondOutput = ((): Model => {
  const rng = createRng(4);
  const x = input([3]);
  const h = dense(3, 4, { rng }).apply(x);
  return graph({
    inputs: x,
    outputs: [dense(4, 1, { rng }).apply(h), dense(4, 2, { rng }).apply(h)],
  });
})();

const rows: Row[] = [
  // Graph structure.
  {
    name: 'an input that reaches no output',
    call: () => graph({ inputs: [a, b], outputs: dense(3, 1).apply(a) }),
    error: ValueError,
    fn: 'graph',
    value: 'inputs[1] (shape [2]) does not reach any output',
  },
  {
    name: 'an output depending on an undeclared input',
    call: () => graph({ inputs: a, outputs: addLayer().apply([dense(3, 2).apply(a), b]) }),
    error: ValueError,
    fn: 'graph',
    value: 'the output depends on an input of shape [2] that is not in inputs',
  },
  {
    name: 'the second of two outputs depending on an undeclared input',
    call: () => graph({ inputs: a, outputs: [dense(3, 2).apply(a), dense(2, 2).apply(b)] }),
    error: ValueError,
    fn: 'graph',
    value: 'outputs[1] depends on an input of shape [2]',
  },
  {
    name: 'an input listed twice',
    call: () => graph({ inputs: [a, a], outputs: dense(3, 1).apply(a) }),
    error: ValueError,
    fn: 'graph',
    value: 'inputs[1] is listed twice',
  },
  {
    name: 'a layer output given as a model input',
    call: () => graph({ inputs: dense(3, 3).apply(a), outputs: dense(3, 1).apply(a) }),
    error: ValueError,
    fn: 'graph',
    value: 'inputs[0] is the output of a dense layer',
  },
  {
    name: 'no outputs',
    call: () => graph({ inputs: a, outputs: [] }),
    error: ValueError,
    fn: 'graph',
    value: 'got []',
  },
  // Shapes.
  {
    name: 'mismatched merge shapes',
    call: () => addLayer({ name: 'residual' }).apply([a, b]),
    error: ShapeError,
    fn: 'add "residual"',
    value: 'cannot take input shapes [3], [2]',
  },
  {
    name: 'concatenate of shapes that differ off the axis',
    call: () => concatenateLayer({ axis: 0 }).apply([input([2, 3]), input([2, 2])]),
    error: ShapeError,
    fn: 'a concatenate layer',
    value: 'got [2,3], [2,2]',
  },
  {
    name: 'mismatched merge shapes in forward',
    call: () => multiplyLayer().forward([tensor([[1, 2]]), tensor([[1, 2, 3]])], ctx),
    error: ShapeError,
    fn: 'multiplyLayer',
    value: 'got [2], [3]',
  },
  {
    name: 'merge inputs with different batch sizes',
    call: () =>
      addLayer().forward(
        [
          tensor([[1, 2]]),
          tensor([
            [1, 2],
            [3, 4],
          ]),
        ],
        ctx,
      ),
    error: ShapeError,
    fn: 'addLayer',
    value: '[1,2], [2,2]',
  },
  {
    name: 'a shared layer applied to incompatible shapes',
    call: () => {
      const shared = dense(3, 2, { name: 'shared' });
      shared.apply(a);
      return shared.apply(b);
    },
    error: ShapeError,
    fn: 'dense "shared"',
    value: 'expects input shape [3], got [2]',
  },
  {
    name: 'a batch that does not fit the declared input',
    call: () => predict(graph({ inputs: a, outputs: dense(3, 1).apply(a) }), [[1, 2]]),
    error: ShapeError,
    fn: 'predict',
    value: 'x has per-sample shape [2], but the model\'s input "input" is [3]',
  },
  // Names.
  {
    name: 'duplicate layer names in a graph',
    call: () =>
      graph({
        inputs: a,
        outputs: dense(3, 3, { name: 'h' }).apply(dense(3, 3, { name: 'h' }).apply(a)),
      }),
    error: ValueError,
    fn: 'graph',
    value: 'layers 0 (dense) and 1 (dense) are both named "h"',
  },
  {
    name: 'duplicate layer names in a sequential model',
    call: () => sequential([dense(3, 3, { name: 'h' }), dense(3, 3, { name: 'h' })]),
    error: ValueError,
    fn: 'sequential',
    value: 'both named "h"',
  },
  {
    name: 'duplicate input names',
    call: () => {
      const x = input([3], { name: 'x' });
      const y = input([3], { name: 'x' });
      return graph({ inputs: [x, y], outputs: addLayer().apply([x, y]) });
    },
    error: ValueError,
    fn: 'graph',
    value: '"x" appears twice',
  },
  {
    name: 'a saved graph whose layer names were edited to clash',
    call: () =>
      fromJSON(
        tampered((j) => {
          j.model.layers[1]!.name = 'dense';
        }),
      ),
    error: ModelFormatError,
    fn: 'fromJSON',
    value: 'model.layers[1].name is "dense" but the rebuilt model names that layer "dense_1"',
  },
  // Cycles (a tampered file).
  {
    name: 'a saved graph whose node reads itself',
    call: () =>
      fromJSON(
        tampered((j) => {
          j.model.nodes[1]!.inputs = [[1, 0]];
        }),
      ),
    error: ModelFormatError,
    fn: 'fromJSON',
    value: 'model.nodes[1].inputs[0][0] must be an integer >= -1 and <= 0, got 1',
  },
  {
    name: 'a saved graph whose first node reads a later one',
    call: () =>
      fromJSON(
        tampered((j) => {
          j.model.nodes[0]!.inputs = [[2, 0]];
        }),
      ),
    error: ModelFormatError,
    fn: 'fromJSON',
    value: 'model.nodes[0].inputs[0][0] must be an integer >= -1 and <= -1, got 2',
  },
  // int32 where gradients are needed.
  {
    name: 'an int32 tensor created with requiresGrad',
    call: () => tensor([1, 2], { dtype: 'int32', requiresGrad: true }),
    error: ValueError,
    fn: 'tensor',
    value: 'an int32 tensor cannot require gradients',
  },
  {
    name: 'an int32 argument to valueAndGrad',
    call: () => valueAndGrad((x) => sum(x))(tensor([1, 2], { dtype: 'int32' })),
    error: ValueError,
    fn: 'valueAndGrad',
    value: 'an int32 tensor cannot require gradients',
  },
  {
    name: 'an int32 argument to grad',
    call: () => grad((x) => sum(x))(tensor([1, 2], { dtype: 'int32' })),
    error: ValueError,
    fn: 'valueAndGrad',
    value: 'int32',
  },
  {
    name: 'an int32 input to gradcheck',
    call: () => gradcheck((x) => sum(x), [tensor([1, 2], { dtype: 'int32' })]),
    error: ValueError,
    fn: 'gradcheck',
    value: 'inputs[0] must be a float64 Tensor, got int32',
  },
  {
    name: 'an int32 dense layer',
    call: () => dense(2, 2, { dtype: 'int32' as never }),
    error: ValueError,
    fn: 'dense',
    value: 'got "int32"',
  },
  // Labels outside [0, classes): before any weight changes.
  {
    name: 'a label equal to the number of classes (crossEntropy)',
    call: () => crossEntropy(tensor([[0, 1, 2]]), [3]),
    error: ValueError,
    fn: 'crossEntropy',
    value: 'target[0] must be a class index, an integer in [0, 3), got 3',
  },
  {
    name: 'a negative label (fit)',
    call: () =>
      fit(badLabels, trainingX, [0, 2, -1, 1], {
        loss: crossEntropy,
        optimizer: adam(),
        epochs: 1,
        batchSize: 1,
      }),
    error: ValueError,
    fn: 'crossEntropy',
    value: 'the label of row 2 is -1; class labels must be integers in [0, 3) for 3 outputs',
    weights: badLabels,
  },
  {
    name: 'a label out of range in validationData (fit)',
    call: () =>
      fit(badValidation, trainingX, [0, 1, 2, 1], {
        loss: crossEntropy,
        optimizer: adam(),
        epochs: 1,
        batchSize: 1,
        validationData: [trainingX, [0, 1, 2, 3]],
      }),
    error: ValueError,
    fn: 'fit',
    value: 'validationData[1]: crossEntropy: the label of row 3 is 3',
    weights: badValidation,
  },
  {
    name: 'a label out of range for the second output of a graph (fit)',
    call: () =>
      fit(
        badSecondOutput,
        trainingX,
        [
          [[0], [1], [2], [3]],
          [0, 1, 5, 1],
        ],
        {
          loss: [mse, crossEntropy],
          optimizer: adam(),
          epochs: 1,
          batchSize: 1,
        },
      ),
    error: ValueError,
    fn: 'fit',
    value:
      'y[1]: crossEntropy: the label of row 2 is 5; class labels must be integers in [0, 2) for 2 outputs',
    weights: badSecondOutput,
  },
  // Calls that do not fit the layer contract.
  {
    name: 'applyLayer given a tensor with data',
    call: () => applyLayer(dense(3, 3), tensor([[1, 2, 3]]) as never),
    error: ValueError,
    fn: 'applyLayer',
    value: 'got a float32 Tensor of shape [1,3]',
  },
  {
    name: 'layerForward on a layer that declares no compile',
    call: () => layerForward({ kind: 'x' } as never, tensor([[1]]), ctx),
    error: ValueError,
    fn: 'layerForward',
    value: 'got {kind: "x"}',
  },
  {
    name: 'symbolic tensors tampered into a cycle',
    call: () => {
      // Symbolic tensors cannot form a cycle through the API; rewiring one's
      // recorded inputs at run time can, and graph must refuse it.
      const x = input([3]);
      const h = dense(3, 3, { name: 'first' }).apply(x);
      const y = dense(3, 3, { name: 'second' }).apply(h);
      (h.node as unknown as { inputs: unknown[] }).inputs[0] = y;
      return graph({ inputs: x, outputs: y });
    },
    error: ValueError,
    fn: 'graph',
    value: 'the layers form a cycle through the dense layer "',
  },
  {
    name: 'a merge of one input',
    call: () => addLayer({ inputs: 1 }),
    error: ValueError,
    fn: 'addLayer',
    value: 'inputs must be an integer >= 2, got 1',
  },
];

describe('bad input to the engine', () => {
  it.each(rows)('$name', async ({ call, error, fn, value, weights }) => {
    const before =
      weights === undefined ? [] : namedParameters(weights).map((q) => q.tensor.data.slice());
    let thrown: unknown = null;
    try {
      await call();
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(error);
    const message = (thrown as Error).message;
    expect(message.startsWith(`${fn}: `) || message.startsWith(`${fn} `), message).toBe(true);
    expect(message).toContain(value);
    if (weights !== undefined)
      namedParameters(weights).forEach((q, i) => {
        expect(Array.from(q.tensor.data), q.name).toEqual(Array.from(before[i]!));
      });
  });
});
