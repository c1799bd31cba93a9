import { assertKnownKeys, fail } from '../_lib/assert.js';
import { checkShape, fmtShape } from '../_lib/shape.js';
import { ValueError } from '../_lib/errors.js';
import type { DType } from '../_lib/typed.js';
import type { Layer } from './layer.js';
import { outputShapesOf } from './_run.js';

/**
 * A placeholder for the tensor a layer will produce, used to build graph
 * models: `input([784])` declares a model input, `layer.apply(x)` records a
 * layer application and returns its output. It has a per-sample shape (the
 * batch dimension excluded) and a dtype, and no data.
 *
 * @example
 * ```ts
 * import { input, dense, SymbolicTensor } from 'myelin';
 * const x = input([784]);
 * const h = dense(784, 128).apply(x);
 * console.log(h instanceof SymbolicTensor, h.shape); // true [128]
 * ```
 */
export class SymbolicTensor {
  /** Per-sample shape (batch dimension excluded). */
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** The layer application that produces it, or null for a model input. */
  readonly node: LayerApplication | null;
  /** Which output of that application it is (0 for single-output layers). */
  readonly index: number;
  /** The input's name (inputs only). */
  readonly name: string | null;

  constructor(
    shape: readonly number[],
    dtype: DType,
    node: LayerApplication | null,
    index: number,
    name: string | null,
  ) {
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.node = node;
    this.index = index;
    this.name = name;
  }

  /**
   * Applies `layer` to `inputs` (this tensor, or an array starting with it):
   * what `layer.apply(inputs)` does for the built-in layers, kept here so that
   * layers carry no graph-building code.
   */
  applyLayer(layer: Layer, inputs: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor {
    return applyOne(layer, inputs);
  }

  /** A short description such as `SymbolicTensor([null, 784], float32)`. */
  toString(): string {
    return `SymbolicTensor(${fmtShape([-1, ...this.shape]).replace('-1', 'null')}, ${this.dtype})`;
  }
}

/** One application of a layer to symbolic inputs: a node of a graph model. */
export interface LayerApplication {
  readonly layer: Layer;
  readonly inputs: readonly SymbolicTensor[];
  readonly outputs: readonly SymbolicTensor[];
}

/** Options of {@link input}. */
export interface InputOptions {
  /** Element type of the data fed here (default 'float32'; 'int32' for token ids). */
  dtype?: DType;
  /** A name for the input (default `input`, `input_1`, ... in the model). */
  name?: string;
}

/**
 * Declares an input of a graph model with its per-sample shape (the batch
 * dimension excluded), as Keras's `keras.Input(shape)`.
 *
 * @example
 * ```ts
 * import { input, dense, relu, graph } from 'myelin';
 * const x = input([4]);
 * const model = graph({ inputs: x, outputs: dense(4, 2, { activation: relu }).apply(x) });
 * console.log(x.shape, model.outputs.length); // [4] 1
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function input(shape: readonly number[], options: InputOptions = {}): SymbolicTensor {
  const s = checkShape('input', 'shape', shape);
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    fail('input', 'options', 'an object', options);
  assertKnownKeys('input', 'options', options, ['dtype', 'name']);
  const dtype = options.dtype ?? 'float32';
  if (dtype !== 'float32' && dtype !== 'float64' && dtype !== 'int32')
    fail('input', 'dtype', '"float32", "float64" or "int32"', dtype);
  if (options.name !== undefined && (typeof options.name !== 'string' || options.name === ''))
    fail('input', 'name', 'a non-empty string', options.name);
  return new SymbolicTensor(s, dtype, null, 0, options.name ?? null);
}

/**
 * Applies a layer to symbolic inputs (one, or an array for layers of several
 * inputs), checking the shapes now, and returns its outputs. `layer.apply(x)`
 * is this for the built-in layers; any layer, including one written against
 * the earlier contract, can be applied with it. Applying one layer several
 * times shares its weights between the branches.
 *
 * @example
 * ```ts
 * import { input, applyLayer, dense, graph } from 'myelin';
 * const x = input([3]);
 * const [h] = applyLayer(dense(3, 2), x);
 * const model = graph({ inputs: x, outputs: h! });
 * ```
 */
export function applyLayer(
  layer: Layer,
  inputs: SymbolicTensor | readonly SymbolicTensor[],
): SymbolicTensor[] {
  if (layer === null || typeof layer !== 'object' || typeof layer.forward !== 'function')
    fail('applyLayer', 'layer', 'a layer', layer);
  const kind: unknown = layer.kind;
  if (kind === 'sequential' || kind === 'graph')
    throw new ValueError(
      `applyLayer: layer is a ${kind} model, not a layer; a model cannot be applied inside another: apply its layers to the symbolic tensors one by one, or take part of it with extractFeatures`,
    );
  const list: readonly SymbolicTensor[] = inputs instanceof SymbolicTensor ? [inputs] : inputs;
  const raw: unknown = list;
  if (!Array.isArray(raw))
    fail(
      'applyLayer',
      'inputs',
      'a SymbolicTensor (from input() or another layer) or an array of them',
      inputs,
    );
  list.forEach((t: unknown, i) => {
    if (!(t instanceof SymbolicTensor))
      fail(
        'applyLayer',
        list.length === 1 ? 'inputs' : `inputs[${i}]`,
        'a SymbolicTensor (from input() or another layer); tensors with data go to layer.forward',
        t,
      );
  });
  const dtype = list[0]?.dtype ?? 'float32';
  const shapes = outputShapesOf(
    layer,
    list.map((t) => t.shape),
    dtype,
  );
  const outDtype: DType = layer.dtype ?? (dtype === 'float64' ? 'float64' : 'float32');
  const outputs: SymbolicTensor[] = [];
  const node: LayerApplication = { layer, inputs: [...list], outputs };
  shapes.forEach((s, j) => outputs.push(new SymbolicTensor(s, outDtype, node, j, null)));
  Object.freeze(outputs);
  return outputs;
}

/** {@link applyLayer} for layers of one output: the output itself. */
export function applyOne(
  layer: Layer,
  inputs: SymbolicTensor | readonly SymbolicTensor[],
): SymbolicTensor {
  return applyLayer(layer, inputs)[0]!;
}
