import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/_lib/errors.js';
import { saliency } from '../../src/explain/gradients.js';
import { dense } from '../../src/layers/dense.js';
import { embedding } from '../../src/layers/embedding.js';
import { flatten } from '../../src/layers/flatten.js';
import { timeDistributed } from '../../src/layers/time-distributed.js';
import { sequential } from '../../src/models/sequential.js';
import { createRng } from '../../src/random/rng.js';

// Ids reach an embedding as values of its dtype. float32 holds every integer
// up to 2^24 exactly and no odd one above it (numpy: np.float32(16777217) ==
// 16777216.0), so a float32 table of more than 2^24 + 1 rows would look up
// row 16777216 for id 16777217 without a word. Such a table is refused.
describe('embedding: a float32 table takes only ids float32 holds exactly', () => {
  it('refuses a float32 vocabulary above 2^24 + 1, naming the way out', () => {
    expect(() => embedding(2 ** 24 + 2, 1)).toThrow(ValueError);
    expect(() => embedding(2 ** 24 + 2, 1)).toThrow(
      "embedding: vocab must be at most 16777217 (2^24 + 1) for a float32 table, whose ids arrive as float32 values (exact integers only up to 2^24); build a larger one with dtype 'float64', got 16777218",
    );
    expect(() => embedding(2 ** 30, 1, { dtype: 'float32' })).toThrow(/at most 16777217/);
  });
});

// An embedding inside timeDistributed still looks up token ids: gradient
// attributions must refuse float ids there as they do for a bare embedding
// (a lookup has no gradient with respect to its ids), not return zeros.
describe('timeDistributed(embedding) takes token ids', () => {
  it('saliency refuses float ids that feed it, as for a bare embedding', () => {
    const rng = createRng(1);
    const ids = [
      [
        [1, 2],
        [3, 4],
      ],
    ];
    const bare = sequential([embedding(5, 2, { rng }), flatten(), dense(8, 1, { rng })]);
    expect(() => saliency(bare, ids)).toThrow(/which looks up token ids/);
    const td = sequential([
      timeDistributed(embedding(5, 2, { rng })),
      flatten(),
      dense(8, 1, { rng }),
    ]);
    expect(() => saliency(td, ids)).toThrow(
      /feed layer "timeDistributed" .*which looks up token ids/,
    );
  });
});
