/**
 * Base class of every error myelin throws on purpose. Catch this to tell a
 * myelin validation failure from a bug elsewhere.
 *
 * @example
 * ```ts
 * import { tensor, add, MyelinError } from 'myelin';
 * try { add(tensor([1, 2]), tensor([1, 2, 3])); } catch (e) { console.log(e instanceof MyelinError); } // true
 * ```
 */
export class MyelinError extends Error {
  // Literal names, not new.target.name: minifiers rename classes, and a
  // production bundle would then print "Q: ..." and fail err.name checks.
  override name = 'MyelinError';
}

/**
 * Thrown when tensor shapes are incompatible: a binary op whose shapes do not
 * broadcast, a matrix product whose inner dimensions differ, a layer fed the
 * wrong width.
 *
 * @example
 * ```ts
 * import { tensor, matmul, ShapeError } from 'myelin';
 * try { matmul(tensor([[1, 2, 3]]), tensor([[1, 2]])); } catch (e) { console.log(e instanceof ShapeError, (e as Error).message); }
 * // true matmul: inner dimensions differ: [1,3] x [1,2]
 * ```
 */
export class ShapeError extends MyelinError {
  override name = 'ShapeError';
}

/**
 * Thrown when an argument has the wrong type or value (a negative size, a NaN
 * learning rate, an unknown option).
 *
 * @example
 * ```ts
 * import { zeros, ValueError } from 'myelin';
 * try { zeros([2, -1]); } catch (e) { console.log(e instanceof ValueError); } // true
 * ```
 */
export class ValueError extends MyelinError {
  override name = 'ValueError';
}

/**
 * Thrown when a saved model (a `toJSON` document or a file of one) is malformed, truncated or
 * tampered with. The message names the path of the bad field, such as
 * `layers[1].weights.kernel.shape`.
 *
 * @example
 * ```ts
 * import { fromJSON, ModelFormatError } from 'myelin';
 * try { fromJSON({ format: 'nope' }); } catch (e) { console.log(e instanceof ModelFormatError); } // true
 * ```
 */
export class ModelFormatError extends MyelinError {
  override name = 'ModelFormatError';
}
