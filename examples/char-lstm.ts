/// <reference types="node" />
// A character-level language model: embedding -> lstm -> a dense layer per
// step, trained to predict each next character of a short text, then used to
// write new text one character at a time.
//
// The text, examples/data/alice-ch1.txt (about 6 KB), is the opening of
// chapter 1, "Down the Rabbit-Hole", of Lewis Carroll's "Alice's Adventures
// in Wonderland" (1865; the text of Project Gutenberg eBook #11, with double
// quotes and without the edition's capitalized emphasis, so it is not a
// byte-exact copy of any one edition). The book is in the public domain (its
// author died in 1898); the excerpt is stored in the repository, nothing is
// fetched at run time.
//
// The model is judged on the last 10% of the text, which it never trains on,
// in bits per character (cross-entropy / ln 2) against the unigram baseline:
// the bits a model that only knows how often each character occurs needs.
//
// Run: npx tsx examples/char-lstm.ts            (about 10 s on a 2-core machine: early
//                                               stopping ends it after 11 of 40 epochs)
//      npx tsx examples/char-lstm.ts --quick    (a short run, as the tests do)
import { readFileSync } from 'node:fs';
import {
  adam,
  createRng,
  crossEntropy,
  dense,
  dropout,
  earlyStopping,
  embedding,
  evaluate,
  fit,
  lstm,
  predict,
  sequential,
  tensor,
  timeDistributed,
  type Rng,
} from 'myelin';
import { useWasm } from 'myelin/wasm';

// The WebAssembly SIMD kernels where the engine has them (falls back to JS).
await useWasm();

const quick = process.argv.includes('--quick');
const text = readFileSync(new URL('./data/alice-ch1.txt', import.meta.url), 'utf8');
const chars = [...new Set(text)].sort();
const id = new Map(chars.map((c, i) => [c, i]));
const ids = Array.from(text, (c) => id.get(c)!);
const V = chars.length;

// Train on the first 90%, validate on the rest.
const cut = Math.floor(ids.length * 0.9);
const train = ids.slice(0, cut);
const val = ids.slice(cut);
const T = 48; // steps per training sequence

/** Windows of T ids (inputs) and the same shifted by one (targets), starting every `stride`. */
function windows(s: number[], stride: number): { x: number[][]; y: number[][] } {
  const x: number[][] = [];
  const y: number[][] = [];
  for (let i = 0; i + T + 1 <= s.length; i += stride) {
    x.push(s.slice(i, i + T));
    y.push(s.slice(i + 1, i + T + 1));
  }
  return { x, y };
}
const tr = windows(train, quick ? 24 : 8);
const va = windows(val, T);
const xTrain = tensor(tr.x, { dtype: 'int32' });
const yTrain = tensor(tr.y, { dtype: 'int32' });
const xVal = tensor(va.x, { dtype: 'int32' });
const yVal = tensor(va.y, { dtype: 'int32' });

// The unigram baseline: each character's frequency in the training text
// (add-one smoothed, so a character unseen there still has a probability).
const counts = new Array<number>(V).fill(1);
for (const c of train) counts[c]!++;
const total = counts.reduce((a, b) => a + b, 0);
let unigramBits = 0;
let nVal = 0;
for (const row of va.y)
  for (const c of row) {
    unigramBits -= Math.log2(counts[c]! / total);
    nVal++;
  }
unigramBits /= nVal;

const rng = createRng(7);
const units = 128;
const model = sequential([
  embedding(V, 24, { rng }),
  lstm(24, units, { returnSequences: true, dropout: 0.1, rng }),
  dropout(0.3),
  timeDistributed(dense(units, V, { rng })),
]);

const bits = (): number =>
  evaluate(model, xVal, yVal, { loss: crossEntropy, batchSize: 64 }).loss / Math.LN2;

/** Draws an index from softmax(logits / temperature). */
function sample(logits: ArrayLike<number>, temperature: number, r: Rng): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
  const p = Array.from(logits, (v) => Math.exp((v - max) / temperature));
  const sum = p.reduce((a, b) => a + b, 0);
  let u = r.uniform() * sum;
  for (let i = 0; i < p.length; i++) {
    u -= p[i]!;
    if (u <= 0) return i;
  }
  return p.length - 1;
}

/**
 * Writes `n` characters after `seed`, re-feeding the model the last T
 * characters each time and sampling the next from its last step's output.
 */
function generate(seed: string, n: number, temperature: number, r: Rng): string {
  const s = Array.from(seed, (c) => id.get(c) ?? 0);
  for (let k = 0; k < n; k++) {
    const context = s.slice(-T);
    const out = predict(model, tensor([context], { dtype: 'int32' }));
    const last = out.data.subarray((context.length - 1) * V, context.length * V);
    s.push(sample(last, temperature, r));
  }
  return s.map((c) => chars[c]).join('');
}

const epochs = quick ? 6 : 40;
console.log(
  `text: ${ids.length} characters, ${V} distinct; ${tr.x.length} training sequences of ${T}, ${nVal} validation characters`,
);
console.log(`unigram baseline: ${unigramBits.toFixed(3)} bits per character`);
console.log(`before training: ${bits().toFixed(3)} bits per character`);
const sampleRng = createRng(11);
const started = Date.now();
await fit(model, xTrain, yTrain, {
  loss: crossEntropy,
  optimizer: adam({ learningRate: 0.01 }),
  epochs,
  batchSize: 32,
  rng,
  validationData: [xVal, yVal],
  callbacks: [
    // A 6 KB text is soon learnt by heart: stop when the validation loss stops
    // falling and keep the weights of its best epoch.
    earlyStopping({ monitor: 'valLoss', patience: 3, restoreBestWeights: true }),
    {
      onEpochEnd(ctx) {
        const line = `epoch ${ctx.epoch + 1}/${epochs}: training loss ${ctx.logs.loss.toFixed(3)}, validation ${(ctx.logs.valLoss! / Math.LN2).toFixed(3)} bits per character`;
        console.log(line);
        if ((ctx.epoch + 1) % 4 === 0 && ctx.epoch + 1 < epochs)
          console.log(`  sample: ${JSON.stringify(generate('Alice ', 80, 0.7, sampleRng))}`);
      },
    },
  ],
});
const final = bits();
console.log(
  `validation: ${final.toFixed(3)} bits per character (unigram ${unigramBits.toFixed(3)}), ${((Date.now() - started) / 1000).toFixed(0)} s of training`,
);
for (const temperature of [0.5, 1]) {
  console.log(`sample at temperature ${temperature}:`);
  console.log(generate('Alice was ', quick ? 60 : 300, temperature, sampleRng));
}
