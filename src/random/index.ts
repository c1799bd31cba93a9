/**
 * Seeded random streams: `createRng(seed)` and the shared default stream. Import from `myelin` or
 * `myelin/random`.
 *
 * @module random
 */
export { createRng, defaultRng, seed, DEFAULT_SEED } from './rng.js';
export type { Rng } from './rng.js';
