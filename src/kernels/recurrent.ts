import type { FloatArray } from '../_lib/typed.js';
import { recurrentBackwardJs, recurrentForwardJs } from './js/recurrent.js';

/**
 * One whole-sequence call of a recurrent layer (simple RNN, LSTM or GRU), in
 * myelin's layout (Keras's): inputs x [batch, steps, features] batch first,
 * kernel W [features, G·units], recurrent kernel U [units, G·units] with
 * G = 1 (rnn), 4 (lstm: gates i, f, c, o) or 3 (gru: gates z, r, h), bias
 * [G·units] (for a GRU with reset after: the input bias; `recurrentBias` is
 * the recurrent one). Activation codes: 0 tanh, 1 sigmoid, 2 relu, 3 linear.
 *
 * The forward kernel writes `y` ([batch, steps, units] with
 * `returnSequences`, else [batch, units]), `hOut`/`cOut` (last states) when
 * non-null, and `saved` (what backward needs); the backward kernel reads
 * `gy`, `ghOut`, `gcOut` and writes every non-null gradient (`gx`, `gh0`,
 * `gc0`, `gw`, `gu`, `gb`, `grb`), overwriting it. `mask` ([batch, steps],
 * 1 = a real step) keeps the state unchanged on padded steps and zeroes
 * their outputs. Dropout masks are drawn from `rng` in training and kept in
 * `saved`, fixed over the time steps as in Keras.
 */
export interface RecurrentProblem {
  cell: 'rnn' | 'lstm' | 'gru';
  batch: number;
  steps: number;
  features: number;
  units: number;
  resetAfter: boolean;
  returnSequences: boolean;
  activation: number;
  recurrentActivation: number;
  training: boolean;
  dropout: number;
  recurrentDropout: number;
  /** Where dropout masks are drawn from (uniform in [0, 1)): the caller's random stream. */
  rng: { uniform(): number } | null;
  x: FloatArray;
  w: FloatArray;
  u: FloatArray;
  bias: FloatArray | null;
  recurrentBias: FloatArray | null;
  h0: FloatArray | null;
  c0: FloatArray | null;
  mask: Uint8Array | null;
  y: FloatArray;
  hOut: FloatArray | null;
  cOut: FloatArray | null;
  saved: FloatArray;
  scratch: FloatArray;
  gy: FloatArray | null;
  ghOut: FloatArray | null;
  gcOut: FloatArray | null;
  gx: FloatArray | null;
  gh0: FloatArray | null;
  gc0: FloatArray | null;
  gw: FloatArray | null;
  gu: FloatArray | null;
  gb: FloatArray | null;
  grb: FloatArray | null;
}

/** A whole-sequence recurrent kernel (forward or backward through time). */
export type RecurrentKernel = (p: RecurrentProblem) => void;

/**
 * Dispatch slot of the whole-sequence recurrent forward kernel. `useWasm()`
 * may replace `impl` (float32 goes to WebAssembly; float64 to the JS kernel).
 *
 * @example
 * ```ts
 * console.log(typeof recurrentForwardSlot.impl); // 'function'
 * ```
 */
export const recurrentForwardSlot: { impl: RecurrentKernel } = { impl: recurrentForwardJs };

/**
 * Dispatch slot of the recurrent backward-through-time kernel.
 *
 * @example
 * ```ts
 * console.log(typeof recurrentBackwardSlot.impl); // 'function'
 * ```
 */
export const recurrentBackwardSlot: { impl: RecurrentKernel } = { impl: recurrentBackwardJs };

export { recurrentBackwardJs, recurrentForwardJs };
