import { show } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import type { Rng } from '../random/rng.js';

/** The `rng` option: undefined, or an object with the methods the caller draws with. */
export function rngOption(
  fn: string,
  rng: unknown,
  methods: readonly (keyof Rng)[] = ['permutation', 'shuffle'],
): Rng | undefined {
  if (rng === undefined) return undefined;
  if (
    typeof rng !== 'object' ||
    rng === null ||
    methods.some((m) => typeof (rng as Partial<Rng>)[m] !== 'function')
  )
    throw new ValueError(`${fn}: rng must be an Rng from createRng, got ${show(rng)}`);
  return rng as Rng;
}
