/// <reference types="node" />
// The heads PyTorch users put after nn.RNN, nn.LSTM and nn.GRU, exported by
// torch.onnx.export (torch 1.13, opset 14; test/fixtures/onnx-recurrent/make.py):
// o[:, -1] of one direction, torch.cat([h[-2], h[-1]], 1) of a bidirectional
// module, num_layers > 1 (with dropout between the layers, which the
// eval-mode file leaves out) and batch_first=False. Each imported model is
// compared with PyTorch's output on the fixture's input and with onnxruntime
// running the same file on a random batch; the heads myelin's layers cannot
// give are refused with a message naming them.
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { createRng, predict, tensor, type Tensor } from 'myelin';
import { fromOnnx } from 'myelin/onnx';

interface Reference {
  timeFirst: boolean;
  inputShape: number[];
  input: number[];
  outputShape: number[];
  output: number[];
}

const dir = new URL('../fixtures/onnx-recurrent/', import.meta.url);
const bytesOf = (name: string): Uint8Array =>
  new Uint8Array(readFileSync(new URL(`${name}.onnx`, dir)));
const refOf = (name: string): Reference =>
  JSON.parse(readFileSync(new URL(`${name}.json`, dir), 'utf8')) as Reference;

/** [steps, N, F] to [N, steps, F], or the other way ([a, b, F] swapped). */
function swap01(data: ArrayLike<number>, [a, b, f]: readonly number[]): number[] {
  const out = new Array<number>(data.length);
  for (let i = 0; i < a!; i++)
    for (let j = 0; j < b!; j++)
      for (let k = 0; k < f!; k++) out[(j * a! + i) * f! + k] = data[(i * b! + j) * f! + k]!;
  return out;
}

/** The batch-first tensor myelin's model takes for the file's input `data` of shape `shape`. */
function batchFirst(data: ArrayLike<number>, shape: readonly number[], timeFirst: boolean): Tensor {
  const [a, b, f] = shape as [number, number, number];
  return timeFirst
    ? tensor(swap01(data, shape), { shape: [b, a, f] })
    : tensor(Array.from(data), { shape: [a, b, f] });
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  expect(a.length).toBe(b.length);
  return Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!)));
};

const kindOf = { rnn: 'simpleRnn', lstm: 'lstm', gru: 'gru' } as const;
const returnsSequences = (model: ReturnType<typeof fromOnnx>): boolean[] =>
  model.layers
    .filter((l) => l.kind !== 'dense')
    .map((l) => {
      const c = l.config as { returnSequences?: boolean; forwardLayer?: { config: unknown } };
      const inner = (l.kind === 'bidirectional' ? c.forwardLayer!.config : c) as {
        returnSequences: boolean;
      };
      return inner.returnSequences;
    });

const rng = createRng(5);

async function onnxruntimeAgrees(name: string, bytes: Uint8Array, ref: Reference): Promise<void> {
  const model = fromOnnx(bytes);
  const session = await ort.InferenceSession.create(bytes);
  // A batch of another size than the fixture's, in the file's own layout.
  const shape = ref.timeFirst ? [ref.inputShape[0]!, 4, 3] : [4, ref.inputShape[1]!, 3];
  const data = Float32Array.from(
    { length: shape[0]! * shape[1]! * 3 },
    () => rng.uniform() * 4 - 2,
  );
  const out = await session.run({ x: new ort.Tensor('float32', data, shape) });
  const theirs = out['y']!.data as Float32Array;
  const ours = predict(model, batchFirst(data, shape, ref.timeFirst));
  expect(ours.shape).toEqual([4, 2]);
  expect(maxDiff(ours.data, theirs), `${name} against onnxruntime`).toBeLessThan(1e-6);
}

describe('fromOnnx: PyTorch recurrent heads (torch.onnx.export, opset 14)', () => {
  const cases: [string, (k: string) => string[], boolean[]][] = [
    // o[:, -1] of one direction is the layer's final state: returnSequences false.
    ['last', (k) => [k, 'dense'], [false]],
    // torch.cat([h[-2], h[-1]], 1): both directions' final states, forward first.
    ['bi-cat', () => ['bidirectional', 'dense'], [false]],
    // num_layers=2: two stacked layers, the first returning its sequence.
    ['stack', (k) => [k, k, 'dense'], [true, false]],
    ['bi-stack', () => ['bidirectional', 'bidirectional', 'dense'], [true, false]],
    // batch_first=False, o[-1]: the model takes the sequence batch first.
    ['time-first', (k) => [k, k, 'dense'], [true, false]],
  ];
  for (const kind of ['rnn', 'lstm', 'gru'] as const)
    for (const [head, kinds, sequences] of cases) {
      const name = `${kind}-${head}`;
      it(`${name}: PyTorch's and onnxruntime's outputs`, async () => {
        const bytes = bytesOf(name);
        const ref = refOf(name);
        const model = fromOnnx(bytes);
        expect(model.layers.map((l) => l.kind)).toEqual(kinds(kindOf[kind]));
        expect(returnsSequences(model)).toEqual(sequences);
        const y = predict(model, batchFirst(ref.input, ref.inputShape, ref.timeFirst));
        expect(y.shape).toEqual(ref.outputShape);
        expect(maxDiff(y.data, ref.output), name).toBeLessThan(1e-6);
        await onnxruntimeAgrees(name, bytes, ref);
      });
    }

  it('h[-1] of a three-layer LSTM, and h[-1] of a time-first GRU', async () => {
    for (const [name, kinds] of [
      ['lstm-stack3-h', ['lstm', 'lstm', 'lstm', 'dense']],
      ['gru-time-first-h', ['gru', 'dense']],
    ] as const) {
      const bytes = bytesOf(name);
      const ref = refOf(name);
      const model = fromOnnx(bytes);
      expect(model.layers.map((l) => l.kind)).toEqual(kinds);
      const y = predict(model, batchFirst(ref.input, ref.inputShape, ref.timeFirst));
      expect(maxDiff(y.data, ref.output), name).toBeLessThan(1e-6);
      await onnxruntimeAgrees(name, bytes, ref);
    }
  });

  it('heads no myelin layer gives are refused, naming the pattern', () => {
    const refused: [string, RegExp][] = [
      // The backward half of o[:, -1] has seen only the last input: not myelin's last output.
      [
        'lstm-bi-last',
        /node '\/Gather' \(Gather\): the last step of the output sequence of the bidirectional node '\/rnn\/LSTM' \(LSTM\) \(o\[:, -1\]\) is not supported/,
      ],
      [
        'gru-bi-h',
        /one direction's final state of the bidirectional node '\/rnn\/GRU' \(GRU\) \(PyTorch's h\[-2\] or h\[-1\] alone\) is read only joined with the other, forward first, as torch\.cat\(\[h\[-2\], h\[-1\]\], 1\)/,
      ],
      [
        'gru-bi-cat-reversed',
        /node '\/Concat' \(Concat\): one direction's final state .* this Concat joins other values or another order/,
      ],
      [
        'lstm-first-step',
        /is supported only as its last step \(a Gather of index -1 on the steps axis: o\[:, -1\] batch first, o\[-1\] time first\), got index 0 on axis 1/,
      ],
      [
        'gru-steps',
        /node '\/Slice' \(Slice\) is supported only of a zero initial state .*, not of a recurrent output \(a range of steps or states, such as o\[:, 1:3\]\)/,
      ],
      [
        'rnn-seq-and-state',
        /node '\/rnn\/RNN' \(RNN\): reading both its whole output sequence and its final state \(o and h, or o and o\[:, -1\]\) is not supported/,
      ],
    ];
    for (const [name, message] of refused)
      expect(() => fromOnnx(bytesOf(`refused-${name}`)), name).toThrow(message);
  });
});
