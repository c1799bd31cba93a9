// A small transformer learns to sort 8 digits, from scratch.
//
// The input is 8 random digits (0-9); the target at position i is the i-th
// smallest of them. The model is encoder-only: token embeddings plus learned
// position embeddings, two transformer encoder blocks (model width 48,
// 4 heads), and a dense layer giving 10 logits per position. Each position's
// answer needs the whole sequence (how many digits are smaller than each
// digit), which attention supplies. Accuracy is counted on whole held-out
// sequences: all 8 positions right.
//
// Afterwards it writes the attention heatmaps of one input (every head of
// both blocks, and the rollout) and says, per head of the last block, how
// much of each output position's attention lands on input tokens holding the
// digit that position should output.
//
// Run: npx tsx examples/transformer.ts [--quick] [output.svg]
//      (default examples/output/transformer-attention.svg)
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  adam,
  attentionHeatmap,
  attentionMaps,
  attentionRollout,
  createRng,
  crossEntropy,
  dense,
  embedding,
  fit,
  graph,
  input,
  positionEmbedding,
  predict,
  tensor,
  transformerEncoderBlock,
  type Rng,
  type Tensor,
} from 'myelin';

const quick = process.argv.includes('--quick');
const outPath =
  process.argv.slice(2).find((a) => !a.startsWith('--')) ??
  fileURLToPath(new URL('./output/transformer-attention.svg', import.meta.url));

const L = 8; // sequence length
const V = 10; // digits
const D = 48; // model width
const rng = createRng(2026);

function sequences(n: number, r: Rng): { x: number[][]; y: number[][] } {
  const x: number[][] = [];
  const y: number[][] = [];
  for (let i = 0; i < n; i++) {
    const s = Array.from({ length: L }, () => Math.floor(r.uniform() * V));
    x.push(s);
    y.push([...s].sort((a, b) => a - b));
  }
  return { x, y };
}
const train = sequences(quick ? 3000 : 10000, createRng(1));
const test = sequences(1000, createRng(2));

const x = input([L], { dtype: 'int32' });
let h = positionEmbedding(L, D, { rng }).apply(embedding(V, D, { rng }).apply(x));
for (let b = 0; b < 2; b++)
  h = transformerEncoderBlock(h, { numHeads: 4, ffDim: 2 * D, rng, name: `block${b}` });
const model = graph({ inputs: x, outputs: dense(D, V, { rng }).apply(h) });

/** Argmax per position of logits [n, L, V]. */
function decode(logits: Tensor): number[][] {
  const n = logits.shape[0]!;
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row: number[] = [];
    for (let t = 0; t < L; t++) {
      const o = (i * L + t) * V;
      let best = 0;
      for (let c = 1; c < V; c++) if (logits.data[o + c]! > logits.data[o + best]!) best = c;
      row.push(best);
    }
    out.push(row);
  }
  return out;
}
const xTest = tensor(test.x, { dtype: 'int32' });
function sequenceAccuracy(): number {
  const pred = decode(predict(model, xTest));
  return pred.filter((p, i) => p.every((d, t) => d === test.y[i]![t])).length / pred.length;
}

const started = Date.now();
await fit(model, tensor(train.x, { dtype: 'int32' }), tensor(train.y, { dtype: 'int32' }), {
  loss: crossEntropy,
  optimizer: adam({ learningRate: 2e-3 }),
  epochs: quick ? 2 : 4,
  batchSize: 64,
  rng,
});
const seconds = (Date.now() - started) / 1000;
const acc = sequenceAccuracy();
console.log(`trained on ${train.x.length} sequences in ${seconds.toFixed(0)} s`);
console.log(`held-out whole-sequence accuracy: ${acc.toFixed(3)} (${test.x.length} sequences)`);

// Attention of one input.
const sample = [7, 2, 9, 2, 0, 5, 3, 8];
const sorted = [...sample].sort((a, b) => a - b);
const maps = attentionMaps(model, tensor([sample], { dtype: 'int32' }));
console.log(`input  ${sample.join(' ')}`);
console.log(`output ${decode(predict(model, tensor([sample], { dtype: 'int32' })))[0]!.join(' ')}`);
const tokens = sample.map((d, i) => `${d} @${i}`);
const svgs: string[] = [];
maps.forEach((m, l) => {
  const heads = m.weights.shape[1]!;
  for (let hh = 0; hh < heads; hh++) {
    const w = m.weights.data.subarray(hh * L * L, (hh + 1) * L * L);
    const rows = Array.from({ length: L }, (_, i) => Array.from(w.subarray(i * L, (i + 1) * L)));
    svgs.push(
      attentionHeatmap(rows, {
        queryTokens: tokens,
        keyTokens: tokens,
        title: `block ${l}, head ${hh}`,
      }),
    );
    if (l === maps.length - 1) {
      // Share of each query position's attention on keys holding the digit
      // the model must output at that position, averaged over positions.
      let share = 0;
      for (let i = 0; i < L; i++)
        for (let j = 0; j < L; j++) if (sample[j] === sorted[i]) share += rows[i]![j]! / L;
      console.log(
        `block ${l}, head ${hh}: ${(100 * share).toFixed(0)}% of attention on the tokens holding each position's answer (uniform attention would give ${(
          (100 * sorted.reduce((s, d) => s + sample.filter((v) => v === d).length, 0)) /
          (L * L)
        ).toFixed(0)}%)`,
      );
    }
  }
});
const rollout = attentionRollout(maps);
svgs.push(
  attentionHeatmap(
    Array.from({ length: L }, (_, i) => Array.from(rollout.data.subarray(i * L, (i + 1) * L))),
    { queryTokens: tokens, keyTokens: tokens, title: 'rollout over both blocks' },
  ),
);
// One page: the heatmaps side by side as nested <svg> elements.
const cellW = 380;
const page =
  `<svg xmlns="http://www.w3.org/2000/svg" width="${cellW * 3}" height="${Math.ceil(svgs.length / 3) * cellW}">` +
  svgs
    .map(
      (s, i) =>
        `<g transform="translate(${(i % 3) * cellW} ${Math.floor(i / 3) * cellW})">${s}</g>`,
    )
    .join('') +
  '</svg>';
mkdirSync(dirname(outPath), { recursive: true });
writeFileSync(outPath, page);
console.log(`wrote ${outPath}`);
