import { describe, expect, it } from 'vitest';
import { dense } from '../../src/layers/dense.js';
import { createRng, defaultRng, DEFAULT_SEED } from '../../src/random/rng.js';
import { resetRandom } from '../../src/testing/index.js';

describe('resetRandom', () => {
  it('resets the default stream to the seed and returns that stream', () => {
    defaultRng().uniform(); // whatever ran before
    const rng = resetRandom(7);
    expect(rng).toBe(defaultRng());
    const fresh = createRng(7);
    expect([rng.uniform(), rng.uniform()]).toEqual([fresh.uniform(), fresh.uniform()]);
  });

  it('defaults to DEFAULT_SEED, the stream a fresh process starts with', () => {
    const rng = resetRandom();
    expect(rng.nextUint32()).toBe(createRng(DEFAULT_SEED).nextUint32());
  });

  it('makes layers built with the returned rng or the default stream repeat exactly', () => {
    const a = dense(3, 2, { rng: resetRandom(11) }).kernel.data;
    defaultRng().normal(); // a test in between draws something
    resetRandom(11);
    const b = dense(3, 2).kernel.data;
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  it('rejects a seed that is not a safe integer', () => {
    expect(() => resetRandom(1.5)).toThrow('resetRandom: seed must be a safe integer, got 1.5');
    expect(() => resetRandom(NaN)).toThrow('resetRandom: seed must be a safe integer, got NaN');
    expect(() => resetRandom('1' as never)).toThrow(
      'resetRandom: seed must be a safe integer, got "1"',
    );
  });
});
