// The live demo: train a 64-32-10 classifier (or a small CNN on the 8x8
// images) on the UCI optical digits in the page, plot loss and held-out
// accuracy per epoch, then classify what the visitor draws and show which
// pixels the decision rests on (layer-wise relevance propagation, drawn as a
// heatmap beside the digit). Built and served by scripts/demo.mjs (`npm run
// demo`), which resolves 'myelin' to src/index.ts.
import {
  accuracy,
  adam,
  conv2d,
  createRng,
  crossEntropy,
  dense,
  epsilonGammaBox,
  fit,
  flatten,
  fromImageData,
  lrp,
  maxPool2d,
  predict,
  readCsv,
  relevanceHeatmap,
  relu,
  sequential,
  softmax,
  tensor,
  type FitProgress,
  type Sequential,
  type Tensor,
} from 'myelin';
import { getThreads, useWasm } from 'myelin/wasm/threads';

const SEED = 7;
const HOLD_OUT = 0.2;

type State = 'loading' | 'ready' | 'training' | 'trained' | 'stopped' | 'error';

interface EpochPoint {
  epoch: number;
  loss: number;
  valAccuracy: number;
}

type Network = 'dense' | 'cnn';

interface Prediction {
  network: Network;
  label: number;
  probabilities: number[];
  features: number[];
  /** LRP relevance of each input for the predicted class: the input's shape, values in input order. */
  relevance: { shape: number[]; values: number[]; outputScore: number; inputSum: number };
}

/** What the page exposes for the end-to-end test (and for the curious, in the console). */
interface DemoHandle {
  state: State;
  epochs: EpochPoint[];
  prediction: Prediction | null;
  error: string | null;
  /** Threads of the WebAssembly kernels (null until they are loaded). */
  threads?: number | null;
}

const demo: DemoHandle = { state: 'loading', epochs: [], prediction: null, error: null };
(window as unknown as { myelinDemo: DemoHandle }).myelinDemo = demo;

function el<T extends Element>(id: string, type: new () => T): T {
  const e = document.getElementById(id);
  if (!(e instanceof type)) throw new Error(`demo: missing element #${id}`);
  return e;
}

const trainButton = el('train', HTMLButtonElement);
const stopButton = el('stop', HTMLButtonElement);
const epochsInput = el('epochs', HTMLInputElement);
const networkSelect = el('network', HTMLSelectElement);
const statusLine = el('status', HTMLDivElement);
const chart = el('chart', SVGSVGElement);
const pad = el('pad', HTMLCanvasElement);
const preview = el('preview', HTMLCanvasElement);
const guess = el('guess', HTMLDivElement);
const bars = el('bars', HTMLDivElement);
const heatmap = el('relevance', HTMLDivElement);

function setState(s: State, message?: string): void {
  demo.state = s;
  document.body.dataset['state'] = s;
  trainButton.disabled = s === 'loading' || s === 'training' || s === 'error';
  networkSelect.disabled = s === 'training';
  stopButton.disabled = s !== 'training';
  if (message !== undefined) statusLine.textContent = message;
}

// ---------------------------------------------------------------- data

interface Data {
  xTrain: number[][];
  yTrain: number[];
  xTest: number[][];
  yTest: number[];
}

async function loadDigits(): Promise<Data> {
  const response = await fetch('data/digits.csv.gz');
  if (!response.ok) throw new Error(`could not load data/digits.csv.gz (HTTP ${response.status})`);
  // readCsv gunzips through DecompressionStream when it sees the gzip magic bytes.
  const rows = await readCsv(response);
  // 64 pixel counts in 0..16 (4x4 blocks of a 32x32 bitmap), then the label.
  const x = rows.map((r) => r.slice(0, 64).map((v) => v / 16));
  const y = rows.map((r) => r[64] ?? -1);
  // A seeded shuffle, then the last 20% held out: the same split every visit.
  const order = createRng(SEED).permutation(rows.length);
  const nTest = Math.round(rows.length * HOLD_OUT);
  const pick = (from: number, to: number): [number[][], number[]] => {
    const idx = Array.from(order.subarray(from, to));
    return [idx.map((i) => x[i]!), idx.map((i) => y[i]!)];
  };
  const [xTrain, yTrain] = pick(0, rows.length - nTest);
  const [xTest, yTest] = pick(rows.length - nTest, rows.length);
  return { xTrain, yTrain, xTest, yTest };
}

// ---------------------------------------------------------------- chart

const SVG = 'http://www.w3.org/2000/svg';

function svg(name: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Loss (left axis, from 0 to its maximum) and accuracy (right axis, 0 to 1) per epoch. */
function drawChart(points: readonly EpochPoint[], totalEpochs: number): void {
  const W = 560;
  const H = 260;
  const m = { l: 44, r: 44, t: 30, b: 34 };
  const iw = W - m.l - m.r;
  const ih = H - m.t - m.b;
  const maxLoss = Math.max(0.5, ...points.map((p) => p.loss));
  const n = Math.max(totalEpochs, 2);
  const px = (e: number): number => m.l + (iw * e) / (n - 1);
  const pyLoss = (v: number): number => m.t + ih * (1 - v / maxLoss);
  const pyAcc = (v: number): number => m.t + ih * (1 - v);
  chart.replaceChildren(chart.querySelector('title') ?? svg('title', {}, 'chart'));
  for (let i = 0; i <= 4; i++) {
    const y = m.t + (ih * i) / 4;
    chart.append(svg('line', { x1: m.l, x2: W - m.r, y1: y, y2: y, stroke: '#eceef3' }));
    chart.append(
      svg(
        'text',
        { x: m.l - 6, y: y + 4, 'text-anchor': 'end', 'font-size': 11, fill: '#d1495b' },
        (maxLoss * (1 - i / 4)).toFixed(2),
      ),
    );
    chart.append(
      svg(
        'text',
        { x: W - m.r + 6, y: y + 4, 'font-size': 11, fill: '#2e86ab' },
        `${Math.round(100 * (1 - i / 4))}%`,
      ),
    );
  }
  const ticks = Math.min(n, 6);
  for (let i = 0; i < ticks; i++) {
    const e = Math.round(((n - 1) * i) / Math.max(ticks - 1, 1));
    chart.append(
      svg(
        'text',
        { x: px(e), y: H - m.b + 16, 'text-anchor': 'middle', 'font-size': 11, fill: '#687086' },
        String(e + 1),
      ),
    );
  }
  chart.append(
    svg(
      'text',
      { x: m.l + iw / 2, y: H - 4, 'text-anchor': 'middle', 'font-size': 11, fill: '#687086' },
      'epoch',
    ),
  );
  const line = (f: (p: EpochPoint) => number, color: string, name: string): void => {
    if (points.length === 0) return;
    const d = points
      .map((p, i) => `${i === 0 ? 'M' : 'L'}${px(p.epoch).toFixed(1)},${f(p).toFixed(1)}`)
      .join('');
    chart.append(
      svg('path', { d, fill: 'none', stroke: color, 'stroke-width': 2.2, 'data-series': name }),
    );
    for (const p of points)
      chart.append(svg('circle', { cx: px(p.epoch), cy: f(p), r: 2.6, fill: color }));
  };
  line((p) => pyLoss(p.loss), '#d1495b', 'loss');
  line((p) => pyAcc(p.valAccuracy), '#2e86ab', 'accuracy');
  chart.append(svg('text', { x: m.l, y: 14, 'font-size': 12, fill: '#d1495b' }, '— training loss'));
  chart.append(
    svg(
      'text',
      { x: W - m.r, y: 14, 'text-anchor': 'end', 'font-size': 12, fill: '#2e86ab' },
      'held-out accuracy —',
    ),
  );
}

// ---------------------------------------------------------------- training

let data: Data | null = null;
let model: Sequential | null = null;
let modelKind: Network = 'dense';

/** A network's input: rows of 64 values for the dense one, [n, 8, 8, 1] images for the CNN. */
function inputs(rows: readonly (readonly number[])[], kind: Network): number[][] | Tensor {
  if (kind === 'dense') return rows.map((r) => [...r]);
  // The 64 values of a row are the image row by row: the same numbers, shaped [n, 8, 8, 1].
  return tensor(rows.flat(), { shape: [rows.length, 8, 8, 1] });
}

function build(kind: Network, rng: ReturnType<typeof createRng>): Sequential {
  // 64 inputs -> 32 ReLU units -> 10 logits; crossEntropy applies the softmax.
  if (kind === 'dense')
    return sequential([dense(64, 32, { activation: relu, rng }), dense(32, 10, { rng })]);
  // 8x8x1 -> 16 filters of 3x3 ('same' keeps 8x8) -> max pool 2x2 -> 4x4x16 -> flatten (256) -> 10 logits.
  return sequential([
    conv2d(1, 16, 3, { activation: relu, padding: 'same', rng }),
    maxPool2d(2),
    flatten(),
    dense(4 * 4 * 16, 10, { rng }),
  ]);
}
let controller: AbortController | null = null;

function showEpoch(p: FitProgress): void {
  const acc = p.valMetrics?.['accuracy'] ?? NaN;
  demo.epochs.push({ epoch: p.epoch, loss: p.loss, valAccuracy: acc });
  el('epoch', HTMLElement).textContent = `${p.epoch + 1}/${p.epochs}`;
  el('loss', HTMLElement).textContent = p.loss.toFixed(3);
  el('accuracy', HTMLElement).textContent = `${(100 * acc).toFixed(1)}%`;
  el('accuracy', HTMLElement).dataset['value'] = String(acc);
  drawChart(demo.epochs, p.epochs);
}

async function train(): Promise<void> {
  if (data === null) return;
  const epochs = Math.min(1000, Math.max(1, Math.round(Number(epochsInput.value)) || 30));
  const rng = createRng(SEED);
  const kind: Network = networkSelect.value === 'cnn' ? 'cnn' : 'dense';
  const net = build(kind, rng);
  model = net;
  modelKind = kind;
  demo.epochs = [];
  drawChart([], epochs);
  controller = new AbortController();
  setState('training', 'Training…');
  const started = performance.now();
  const history = await fit(net, inputs(data.xTrain, kind), data.yTrain, {
    loss: crossEntropy,
    optimizer: adam({ learningRate: 0.01 }),
    epochs,
    batchSize: 32,
    validationData: [inputs(data.xTest, kind), data.yTest],
    metrics: [accuracy],
    rng,
    signal: controller.signal,
    onProgress: (p) => {
      if (p.phase === 'epoch') showEpoch(p);
      else
        statusLine.textContent = `Training: epoch ${p.epoch + 1}/${p.epochs}, batch ${p.batch}/${p.batches}, ${Math.round(p.samplesPerSecond)} samples/s`;
    },
  });
  controller = null;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const done = history.epoch.length;
  const acc = history.valMetrics?.['accuracy']?.at(-1);
  const summary = `${done} epoch${done === 1 ? '' : 's'} in ${seconds} s${acc === undefined ? '' : `, held-out accuracy ${(100 * acc).toFixed(1)}%`}.`;
  // After a stop, fit the epoch axis to the epochs actually run.
  drawChart(demo.epochs, Math.max(done, 2));
  if (history.stopped === 'aborted')
    setState('stopped', `Stopped after ${summary} Draw a digit, or train again.`);
  else setState('trained', `Trained: ${summary} Now draw a digit on the right.`);
  classify();
}

trainButton.addEventListener('click', () => {
  train().catch(report);
});
stopButton.addEventListener('click', () => {
  controller?.abort();
});

// ---------------------------------------------------------------- drawing

type Stroke = { x: number; y: number }[];
const strokes: Stroke[] = [];
const padCtx = pad.getContext('2d')!;
const previewCtx = preview.getContext('2d')!;

function clearPad(): void {
  strokes.length = 0;
  padCtx.fillStyle = '#fff';
  padCtx.fillRect(0, 0, pad.width, pad.height);
  previewCtx.clearRect(0, 0, 8, 8);
  demo.prediction = null;
  guess.textContent = '?';
  delete guess.dataset['label'];
  drawBars(null);
  heatmap.replaceChildren();
}

function padPoint(e: PointerEvent): { x: number; y: number } {
  const r = pad.getBoundingClientRect();
  return {
    x: ((e.clientX - r.left) * pad.width) / r.width,
    y: ((e.clientY - r.top) * pad.height) / r.height,
  };
}

let drawing = false;
pad.addEventListener('pointerdown', (e) => {
  drawing = true;
  pad.setPointerCapture(e.pointerId);
  strokes.push([padPoint(e)]);
  paintPad();
});
pad.addEventListener('pointermove', (e) => {
  if (!drawing) return;
  strokes.at(-1)?.push(padPoint(e));
  paintPad();
});
const endStroke = (): void => {
  if (!drawing) return;
  drawing = false;
  classify();
};
pad.addEventListener('pointerup', endStroke);
pad.addEventListener('pointercancel', endStroke);
el('clear', HTMLButtonElement).addEventListener('click', clearPad);

function strokePath(
  ctx: CanvasRenderingContext2D,
  map: (p: { x: number; y: number }) => [number, number],
): void {
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  for (const s of strokes) {
    ctx.beginPath();
    const [x0, y0] = map(s[0]!);
    ctx.moveTo(x0, y0);
    // A click without movement still leaves a dot.
    if (s.length === 1) ctx.lineTo(x0 + 0.01, y0);
    for (const p of s.slice(1)) ctx.lineTo(...map(p));
    ctx.stroke();
  }
}

function paintPad(): void {
  padCtx.fillStyle = '#fff';
  padCtx.fillRect(0, 0, pad.width, pad.height);
  padCtx.strokeStyle = '#1d2330';
  padCtx.lineWidth = 16;
  strokePath(padCtx, (p) => [p.x, p.y]);
}

/**
 * The drawing as the data set encodes digits: the strokes are scaled (aspect
 * kept) to fill a 32x32 bitmap, as the NIST preprocessing normalizes each
 * digit's size and position; each 4x4 block then counts its ink pixels, 0..16.
 */
function features(): number[] | null {
  const pts = strokes.flat();
  if (pts.length === 0) return null;
  const xs = pts.map((p) => p.x);
  const ys = pts.map((p) => p.y);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const pen = 3.2; // stroke width in bitmap pixels, about that of the scanned forms
  const box = 32 - pen - 1;
  const scale = box / Math.max(x1 - x0, y1 - y0, 1);
  const ox = 16 - ((x0 + x1) / 2) * scale;
  const oy = 16 - ((y0 + y1) / 2) * scale;
  const bitmap = document.createElement('canvas');
  bitmap.width = 32;
  bitmap.height = 32;
  const ctx = bitmap.getContext('2d', { willReadFrequently: true })!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, 32, 32);
  ctx.strokeStyle = '#000';
  ctx.lineWidth = pen;
  strokePath(ctx, (p) => [p.x * scale + ox, p.y * scale + oy]);
  // The canvas pixels as ink in [0, 1] (dark on light inverted), one channel: [1, 32, 32, 1].
  const ink = fromImageData(ctx.getImageData(0, 0, 32, 32), { grayscale: true, invert: true }).data;
  const counts = new Array<number>(64).fill(0);
  for (let y = 0; y < 32; y++) {
    for (let x = 0; x < 32; x++) {
      // A pixel is "on" when it is more than half inked.
      if (ink[y * 32 + x]! > 0.5) counts[(y >> 2) * 8 + (x >> 2)]! += 1;
    }
  }
  return counts;
}

function drawPreview(counts: readonly number[]): void {
  const img = previewCtx.createImageData(8, 8);
  counts.forEach((c, i) => {
    const v = 255 - Math.round((c / 16) * 255);
    img.data.set([v, v, v, 255], i * 4);
  });
  previewCtx.putImageData(img, 0, 0);
}

function drawBars(probabilities: readonly number[] | null): void {
  const best = probabilities === null ? -1 : probabilities.indexOf(Math.max(...probabilities));
  bars.replaceChildren(
    ...Array.from({ length: 10 }, (_, d) => {
      const p = probabilities?.[d] ?? 0;
      const row = document.createElement('div');
      row.className = d === best ? 'bar best' : 'bar';
      row.dataset['digit'] = String(d);
      row.dataset['p'] = String(p);
      const label = document.createElement('span');
      label.textContent = String(d);
      const bar = document.createElement('i');
      bar.style.width = `${(100 * p).toFixed(1)}%`;
      const value = document.createElement('em');
      value.textContent = probabilities === null ? '' : `${(100 * p).toFixed(1)}%`;
      row.append(label, bar, value);
      return row;
    }),
  );
}

function classify(): void {
  const counts = features();
  if (counts === null) return;
  drawPreview(counts);
  if (model === null) {
    guess.textContent = '?';
    statusLine.textContent = 'Train the network first, then it can read your digit.';
    return;
  }
  // One row of 64 inputs (or one 8x8 image), scaled as in training; softmax turns logits into probabilities.
  const x = inputs([counts.map((c) => c / 16)], modelKind);
  const logits = predict(model, x);
  const probabilities = Array.from(softmax(logits).data);
  const label = probabilities.indexOf(Math.max(...probabilities));
  const relevance = explain(x, label, counts);
  demo.prediction = { network: modelKind, label, probabilities, features: counts, relevance };
  guess.textContent = String(label);
  guess.dataset['label'] = String(label);
  drawBars(probabilities);
}

/**
 * Which pixels the predicted class rests on: LRP of the class's logit with
 * the composite recommended by Montavon et al. (zB at the input layer, its
 * pixels bounded by [0, 1]; LRP-γ for the convolution; LRP-ε for dense
 * layers), drawn over the 8x8 image as red (for the class) and blue
 * (against it). The same call explains the dense network and the CNN.
 */
function explain(
  x: number[][] | Tensor,
  label: number,
  counts: readonly number[],
): Prediction['relevance'] {
  const { relevance, conservation } = lrp(model!, x, {
    target: label,
    rules: epsilonGammaBox({ low: 0, high: 1 }),
  });
  const values = Array.from(relevance.data);
  // Both networks read the 64 pixels row by row, so either relevance is the 8x8 map in that order.
  const rows = (v: readonly number[]): number[][] =>
    Array.from({ length: 8 }, (_, r) => v.slice(r * 8, r * 8 + 8));
  const map = rows(values);
  // Ink dark on white, as in the preview (the heatmap draws 0 black and 1 white).
  const image = rows(counts.map((c) => 1 - c / 16));
  heatmap.innerHTML = relevanceHeatmap(map, {
    image,
    cellSize: 10,
    title: `why ${label}`,
  });
  return {
    shape: [...relevance.shape],
    values,
    outputScore: conservation.output[0]!,
    inputSum: conservation.input[0]!,
  };
}

// ---------------------------------------------------------------- start

function report(e: unknown): void {
  const message = e instanceof Error ? e.message : String(e);
  demo.error = message;
  setState('error', `Error: ${message}`);
  console.error(e);
}

clearPad();
drawChart([], Number(epochsInput.value) || 30);
// The WebAssembly kernels, on every core when the page is cross-origin isolated
// (scripts/demo.mjs sends the COOP and COEP headers); the tile shows the count.
const kernels = useWasm().then(() => {
  const t = getThreads();
  demo.threads = t.threads;
  const tile = el('threads', HTMLElement);
  tile.textContent = String(t.threads);
  tile.title = t.reason ?? 'WebAssembly threads';
});
Promise.all([loadDigits(), kernels])
  .then(([d]) => {
    data = d;
    setState(
      'ready',
      `Loaded ${d.xTrain.length + d.xTest.length} digits: ${d.xTrain.length} to train on, ${d.xTest.length} held out. Press Train.`,
    );
  })
  .catch(report);
