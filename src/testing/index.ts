/**
 * Helpers for test suites that pin what a model, a layer, a loss or a custom
 * op computes: `assertClose`, vitest matchers, gradient checks and fixtures.
 * Browser-safe (reading and writing fixture files is in `myelin/node`) and
 * never part of the main entry. Import from `myelin/testing`.
 *
 * @module testing
 */
export { AssertionError } from './errors.js';
export { assertClose, isClose, allClose, DEFAULT_TOLERANCES } from './close.js';
export type {
  CloseInput,
  CloseOptions,
  CloseResult,
  Mismatch,
  NestedNumbers,
  NumericArray,
  Tolerance,
} from './close.js';
export { assertShape } from './shape.js';
export { myelinMatchers } from './matchers.js';
export type { MatcherContext, MatcherOutcome, MyelinMatchers } from './matchers.js';
export { gradcheck } from '../autograd/functional.js';
export type { GradcheckOptions, GradcheckResult } from '../autograd/functional.js';
export { checkGradients } from './gradients.js';
export type {
  CheckGradientsOptions,
  GradientEntry,
  GradientReport,
  GradientSubject,
} from './gradients.js';
export { recordFixture, checkFixture } from './fixture.js';
export type {
  CheckFixtureOptions,
  FixtureFunction,
  FixtureResult,
  RecordFixtureOptions,
} from './fixture.js';
export type { FixtureJSON } from '../io/fixture.js';
export type { TensorJSON } from '../io/format.js';
export { resetRandom } from './random.js';
