// Sentiment of short reviews with an embedding + LSTM classifier, against two
// baselines on the same split: always answering the majority class, and a
// bag-of-words logistic regression (word counts, word order thrown away).
//
// The reviews are generated here, by a small grammar with a seeded stream,
// so the data set is honest about what it tests: whether a model reads word
// order. A review is one clause ("the plot was not very good") or two joined
// by "but", and its label is the sentiment of its last clause, with "not"
// flipping an adjective's. Both of those need order: a bag of words sees
// "not" and "good" but not whether "not" applies to "good" or to the other
// clause's adjective, nor which clause came after "but". 5% of the labels are
// flipped at random (noise no model can learn), so about 95% is the ceiling.
//
// Reviews have different lengths: they are padded with id 0 at the end, and
// the embedding's maskZero makes the LSTM stop at each review's last real word.
//
// Run: npx tsx examples/sentiment.ts
import {
  accuracy,
  adam,
  createRng,
  crossEntropy,
  dense,
  embedding,
  evaluate,
  fit,
  lstm,
  sequential,
  tensor,
  type Rng,
} from 'myelin';

const rng = createRng(2024);
const pick = <T>(xs: readonly T[], r: Rng): T => xs[Math.floor(r.uniform() * xs.length)]!;

const SUBJECTS = ['the film', 'the plot', 'the acting', 'the music', 'this movie', 'the ending'];
const GOOD = ['good', 'great', 'wonderful', 'funny', 'moving', 'clever'];
const BAD = ['bad', 'boring', 'dull', 'awful', 'weak', 'silly'];
const INTENSIFIERS = ['very', 'really', 'quite', 'so'];

/** One clause and its sentiment (1 positive, 0 negative). */
function clause(r: Rng): [string, number] {
  const positive = r.uniform() < 0.5;
  const negated = r.uniform() < 0.35;
  const words = [pick(SUBJECTS, r), 'was'];
  if (negated) words.push('not');
  if (r.uniform() < 0.4) words.push(pick(INTENSIFIERS, r));
  words.push(pick(positive ? GOOD : BAD, r));
  return [words.join(' '), positive !== negated ? 1 : 0];
}

/** A review, its label (the last clause's sentiment, 5% flipped) and whether it was flipped. */
function review(r: Rng): [string, number, boolean] {
  let [text, label] = clause(r);
  if (r.uniform() < 0.5) {
    const [second, l2] = clause(r);
    text = `${text} but ${second}`;
    label = l2;
  }
  const flipped = r.uniform() < 0.05;
  return [text, flipped ? 1 - label : label, flipped];
}

// Generate, keeping the classes unbalanced (about 58% positive) so that the
// majority class is a baseline to beat, not a coin flip.
const reviews: [string, number][] = [];
const flippedAt = new Set<number>();
while (reviews.length < 3000) {
  const [text, label, flipped] = review(rng);
  if (label === 0 && rng.uniform() < 0.28) continue;
  if (flipped) flippedAt.add(reviews.length);
  reviews.push([text, label]);
}
const vocab = ['<pad>', ...new Set(reviews.flatMap(([t]) => t.split(' ')))];
const index = new Map(vocab.map((w, i) => [w, i]));
const steps = Math.max(...reviews.map(([t]) => t.split(' ').length));
const encode = (t: string): number[] => {
  const ids = t.split(' ').map((w) => index.get(w)!);
  return [...ids, ...new Array<number>(steps - ids.length).fill(0)];
};

const nTrain = 2400;
const train = reviews.slice(0, nTrain);
const test = reviews.slice(nTrain);
const yTrain = tensor(
  train.map(([, l]) => l),
  { dtype: 'int32' },
);
const yTest = tensor(
  test.map(([, l]) => l),
  { dtype: 'int32' },
);

// 1. The majority class of the training set.
const positives = train.filter(([, l]) => l === 1).length;
const majority = positives * 2 >= train.length ? 1 : 0;
const majorityAcc = test.filter(([, l]) => l === majority).length / test.length;

// 2. Bag-of-words logistic regression: word counts -> softmax over 2 classes.
const bow = (rows: [string, number][]) =>
  tensor(
    rows.map(([t]) => {
      const v = new Array<number>(vocab.length).fill(0);
      for (const w of t.split(' ')) v[index.get(w)!]!++;
      return v;
    }),
  );
const logreg = sequential([dense(vocab.length, 2, { rng })]);
await fit(logreg, bow(train), yTrain, {
  loss: crossEntropy,
  optimizer: adam({ learningRate: 0.05 }),
  epochs: 60,
  batchSize: 64,
  rng,
});
const bowAcc = evaluate(logreg, bow(test), yTest, { loss: crossEntropy, metrics: [accuracy] })
  .metrics.accuracy!;

// 3. Embedding + LSTM: ids padded with 0, masked by the embedding.
const ids = (rows: [string, number][]) =>
  tensor(
    rows.map(([t]) => encode(t)),
    { dtype: 'int32' },
  );
const model = sequential([
  embedding(vocab.length, 16, { maskZero: true, rng }),
  lstm(16, 32, { rng }),
  dense(32, 2, { rng }),
]);
await fit(model, ids(train), yTrain, {
  loss: crossEntropy,
  optimizer: adam({ learningRate: 0.01 }),
  epochs: 15,
  batchSize: 32,
  rng,
});
const lstmAcc = evaluate(model, ids(test), yTest, { loss: crossEntropy, metrics: [accuracy] })
  .metrics.accuracy!;

console.log(
  `${reviews.length} reviews (${nTrain} to train, ${test.length} to test), ${vocab.length - 1} words, up to ${steps} per review`,
);
const shown = test.findIndex(
  ([t], i) => t.includes(' but ') && t.includes(' not ') && !flippedAt.has(nTrain + i),
);
console.log(
  `for example: "${test[shown]![0]}" -> ${test[shown]![1] === 1 ? 'positive' : 'negative'}`,
);
const clean = test.filter((_, i) => !flippedAt.has(nTrain + i)).length / test.length;
console.log(
  `labels left unflipped in the test set (the best accuracy possible): ${clean.toFixed(3)}`,
);
console.log(`majority class:              test accuracy ${majorityAcc.toFixed(3)}`);
console.log(`bag-of-words logistic reg.:  test accuracy ${bowAcc.toFixed(3)}`);
console.log(`embedding + LSTM:            test accuracy ${lstmAcc.toFixed(3)}`);
