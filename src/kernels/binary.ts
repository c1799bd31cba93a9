import { arithJs, type ArithKernel } from './js/binary.js';

export type { ArithKernel, ArithOp } from './js/binary.js';

/**
 * Dispatch slot for broadcasting add/sub/mul/div. The WebAssembly backend may
 * replace `impl` for float32 inputs and must fall back to {@link arithJs} for
 * anything it does not handle.
 */
export const arithSlot: { impl: ArithKernel } = { impl: arithJs };
export { arithJs };
