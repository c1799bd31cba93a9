import type { DType } from '../_lib/typed.js';

// The types of the saved-model document (docs/model-format.md specifies it
// field by field). These describe what `toJSON` writes; `fromJSON` accepts
// `unknown` and checks every field against them.

/** A JSON value: what survives `JSON.stringify` → `JSON.parse` unchanged. */
export type JSONValue = null | boolean | number | string | JSONValue[] | JSONObject;
/** A JSON object. */
export interface JSONObject {
  [key: string]: JSONValue;
}

/**
 * The value of the `format` field.
 *
 * @example
 * ```ts
 * import { MODEL_FORMAT, toJSON, sequential, dense } from 'myelin';
 * console.log(toJSON(sequential([dense(2, 1)])).format === MODEL_FORMAT); // true
 * ```
 */
export const MODEL_FORMAT = 'myelin.model';
/**
 * The format version this build writes (and the highest it reads).
 *
 * @example
 * ```ts
 * import { MODEL_FORMAT_VERSION } from 'myelin';
 * console.log(MODEL_FORMAT_VERSION); // 2
 * ```
 */
export const MODEL_FORMAT_VERSION = 2;

/**
 * A tensor's elements: `data` is the base64 (RFC 4648, padded) of the
 * elements' bytes in little-endian order, row-major; its decoded length is
 * exactly product(shape) × 4 (float32) or × 8 (float64). Model files hold
 * float tensors only; fixtures (myelin/testing) also hold int32, × 4.
 */
export interface TensorJSON {
  dtype: DType;
  shape: number[];
  data: string;
}

/** A regularizer, an activation with settings or a schedule, by name. */
export interface RegularizerJSON {
  kind: string;
  config: Record<string, number>;
}

/** A layer's penalties: per parameter name, and on its output. */
export interface LayerRegularizersJSON {
  params?: Record<string, RegularizerJSON>;
  activity?: RegularizerJSON;
}

/** One layer: its kind and JSON config, whether it trains, its penalties and its weights by parameter name. */
export interface LayerJSON {
  kind: string;
  /** The layer's unique name in the model (version 2). */
  name?: string;
  /** Non-trainable tensors the layer owns, by name (version 2; absent when none). */
  state?: Record<string, TensorJSON>;
  config: JSONObject;
  trainable: boolean;
  regularizers?: LayerRegularizersJSON;
  weights: Record<string, TensorJSON>;
}

/** A sequential model: its layers in order (versions 1 and 2). */
export interface SequentialJSON {
  kind: 'sequential';
  layers: LayerJSON[];
}

/** A reference to a value of a graph model: `[node, output]`, node -1 for model input `output`. */
export type ValueRefJSON = [number, number];

/** A graph model (version 2): its layers, declared inputs, layer applications in order, and outputs. */
export interface GraphJSON {
  kind: 'graph';
  layers: LayerJSON[];
  inputs: { name: string; shape: number[]; dtype: 'float32' | 'float64' | 'int32' }[];
  /** Each application: the index of its layer in `layers` and where its inputs come from. */
  nodes: { layer: number; inputs: ValueRefJSON[] }[];
  outputs: ValueRefJSON[];
}

/** An optimizer's settings and state; `slots[i]` belongs to the i-th parameter of the model (see `parameters(model)`). */
export interface OptimizerJSON {
  kind: string;
  config: JSONObject;
  state: {
    iterations: number;
    slots: Record<string, TensorJSON>[];
  };
}

/** A saved model, as `toJSON` returns it and `fromJSON` reads it. */
export interface ModelJSON {
  format: typeof MODEL_FORMAT;
  version: 1 | typeof MODEL_FORMAT_VERSION;
  model: SequentialJSON | GraphJSON;
  optimizer?: OptimizerJSON;
}
