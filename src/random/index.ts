export { createRng, defaultRng, seed, DEFAULT_SEED } from './rng.js';
export type { Rng } from './rng.js';
