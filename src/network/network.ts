import { fromJSON, type FromJSONOptions } from '../io/from-json.js';
import { toJSON } from '../io/to-json.js';
import type { Layer } from '../layers/layer.js';
import type { Model, Sequential } from '../models/model.js';
import { ValueError } from '../_lib/errors.js';
import { parameters, type ParametersOptions } from '../models/parameters.js';
import { checkModel, predict, type PredictOptions } from '../models/predict.js';
import { sequential } from '../models/sequential.js';
import { summary } from '../models/summary.js';
import type { Tensor } from '../tensor/tensor.js';
import type { TensorLike } from '../tensor/create.js';
import { evaluate } from '../training/evaluate.js';
import { fit } from '../training/fit.js';
import type { EvaluateOptions, Evaluation, FitOptions, History } from '../training/types.js';

/**
 * A feedforward network as one object: a convenience shell over
 * `sequential`, `fit`, `predict`, `evaluate`, `summary` and the model format,
 * adding no logic of its own (each method is the function of the same name
 * applied to `network.model`). Use the functions directly when you prefer
 * plain data; both views share the same layers and weights.
 *
 * @example
 * ```ts
 * import { Network, dense, sigmoid, mse, adam } from 'myelin';
 * const net = new Network([dense(3, 4, { activation: sigmoid }), dense(4, 2, { activation: sigmoid })]);
 * await net.fit([[0.7, -1.5, 0.2]], [[0, 1]], { loss: mse, optimizer: adam(), epochs: 100 });
 * console.log(net.predict([[0.7, -1.5, 0.2]]).toArray());
 * const copy = Network.fromJSON(JSON.parse(JSON.stringify(net.toJSON())));
 * ```
 */
export class Network {
  /** The underlying model; pass it to any function that takes a model. */
  readonly model: Sequential;

  /** Builds `sequential(layers)` (which checks that the layer shapes chain). */
  constructor(layers: readonly Layer[]) {
    this.model = sequential(layers);
  }

  /**
   * Wraps an existing model (no copy: the network and the model share weights).
   * @example
   * ```ts
   * import { Network, sequential, dense } from 'myelin';
   * const net = Network.fromModel(sequential([dense(2, 1)]));
   * ```
   */
  static fromModel(model: Model): Network {
    return stackOf('Network.fromModel', 'model', model);
  }

  /**
   * Rebuilds a network saved with {@link Network.toJSON}: `fromJSON(json, options)`,
   * with the same options (loaders for custom layers and activations, limits).
   * @example
   * ```ts
   * import { Network, dense, defineActivation, mul, sigmoid } from 'myelin';
   * const mySwish = defineActivation('mySwish', (x) => mul(x, sigmoid(x)));
   * const text = JSON.stringify(new Network([dense(3, 2, { activation: mySwish })]));
   * const net = Network.fromJSON(JSON.parse(text), { activations: { mySwish } });
   * ```
   */
  static fromJSON(json: unknown, options: FromJSONOptions = {}): Network {
    return stackOf('Network.fromJSON', 'json', fromJSON(json, options));
  }

  /** The layers, in order. */
  get layers(): readonly Layer[] {
    return this.model.layers;
  }

  /** Trains the network; see `fit`. */
  fit(x: TensorLike, y: TensorLike, options: FitOptions): Promise<History> {
    return fit(this.model, x, y, options);
  }

  /** Inference-mode outputs; see `predict`. */
  predict(x: TensorLike, options?: PredictOptions): Tensor {
    // options passed on as given: without them, predict's repeat path applies
    return predict(this.model, x, options);
  }

  /** Loss and metrics on data; see `evaluate`. */
  evaluate(x: TensorLike, y: TensorLike, options: EvaluateOptions): Evaluation {
    return evaluate(this.model, x, y, options);
  }

  /** The parameter tensors; see `parameters`. */
  parameters(options: ParametersOptions = {}): Tensor[] {
    return parameters(this.model, options);
  }

  /** A printable table of the layers; see `summary`. */
  summary(): string {
    return summary(this.model);
  }

  /** The model in the JSON model format (optionally with an optimizer's state); see `toJSON`. */
  toJSON(options: Parameters<typeof toJSON>[1] = {}): ReturnType<typeof toJSON> {
    // JSON.stringify(network) calls toJSON(key) with the property key (a
    // string): treat that as no options, so stringifying a Network just works.
    return toJSON(this.model, typeof (options as unknown) === 'string' ? {} : options);
  }
}

/** A Network over a sequential model's layers; `fn` and `arg` name the caller in errors. */
function stackOf(fn: string, arg: string, model: Model): Network {
  checkModel(fn, model);
  if (model.kind !== 'sequential')
    throw new ValueError(
      `${fn}: ${arg} must be a sequential model (Network wraps a stack of layers); use the functions fit/predict for graph models`,
    );
  return new Network(model.layers);
}
