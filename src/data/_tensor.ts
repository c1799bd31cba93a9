import { fail } from '../_lib/assert.js';
import { MyelinError, ShapeError, ValueError } from '../_lib/errors.js';
import { asTensor, tensor, type TensorLike } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';

// The data tools' reading of a TensorLike argument. (training/_util.ts has
// tensorArgument for the same job, but data sits below training in the tier
// order of DESIGN.md section 2, so it cannot import it.)

/**
 * A TensorLike argument of a data tool as a Tensor. A Tensor is taken as it
 * is and a typed array keeps its dtype; plain (nested) arrays are read as
 * float64, exactly the numbers JavaScript holds: the library's default float32
 * would round 1700000001 to 1700000000 and 0.1 to 0.10000000149, so that
 * distinct rows compare equal and a constant column has a spread. A
 * conversion error names the caller and the argument, not `tensor`.
 */
export function dataTensor(fn: string, name: string, value: unknown): Tensor {
  if (value instanceof Tensor) return value;
  if (typeof value !== 'number' && (typeof value !== 'object' || value === null))
    fail(fn, name, 'a Tensor or nested arrays of numbers', value);
  try {
    return Array.isArray(value)
      ? tensor(value as TensorLike, { dtype: 'float64' })
      : asTensor(value as TensorLike);
  } catch (e) {
    if (!(e instanceof MyelinError)) throw e;
    const message = relabel(fn, name, e.message);
    throw e instanceof ShapeError ? new ShapeError(message) : new ValueError(message);
  }
}

// "tensor: values[1] has length 3" → "fn: name[1] has length 3"; a message
// without the word values keeps it as context: "fn: name: nested arrays ...".
function relabel(fn: string, name: string, message: string): string {
  const rest = message.startsWith('tensor: ') ? message.slice('tensor: '.length) : message;
  const named = rest.replace(/\bvalues(?=[[\s])/, name);
  return named === rest ? `${fn}: ${name}: ${rest}` : `${fn}: ${named}`;
}
