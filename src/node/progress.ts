/// <reference types="node" />
import { assertKnownKeys, assertPositiveInt, fail } from '../_lib/assert.js';
import type { FitProgress } from '../training/types.js';

/** Where {@link terminalProgress} writes: `process.stdout` or anything with `write`. */
export interface ProgressStream {
  /** Writes text as it is (no newline added). */
  write(text: string): unknown;
  /** A terminal redraws one line in place; anything else gets one line per epoch. */
  isTTY?: boolean;
  /** Terminal width, to keep the line from wrapping. */
  columns?: number;
}

/** Options of {@link terminalProgress}. */
export interface TerminalProgressOptions {
  /** Output stream (default `process.stdout`). */
  stream?: ProgressStream;
  /** Characters inside the bar's brackets (default 30, less on narrow terminals). */
  width?: number;
  /** Force the terminal (true) or plain-line (false) style; default `stream.isTTY`. */
  tty?: boolean;
  /** Minimum time between redraws on a terminal, in ms (default 50); epoch ends always draw. */
  throttleMs?: number;
}

function fmt(v: number): string {
  return Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : v.toFixed(4);
}

function grouped(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function bar(done: number, total: number, width: number): string {
  const filled = total === 0 ? width : Math.min(width, Math.floor((done / total) * width));
  if (filled >= width) return `[${'='.repeat(width)}]`;
  return `[${'='.repeat(filled)}>${' '.repeat(width - filled - 1)}]`;
}

// Validation results are named as the callbacks and history name them:
// 'val' + the capitalized name (valLoss, valAccuracy), one camelCase style.
const valName = (k: string): string => `val${k.charAt(0).toUpperCase()}${k.slice(1)}`;

function extras(p: FitProgress): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(p.metrics)) parts.push(`${k} ${fmt(v)}`);
  if (p.valLoss !== undefined) parts.push(`valLoss ${fmt(p.valLoss)}`);
  for (const [k, v] of Object.entries(p.valMetrics ?? {})) parts.push(`${valName(k)} ${fmt(v)}`);
  return parts.length === 0 ? '' : ` ${parts.join(' ')}`;
}

/**
 * A dependency-free progress display for `fit`'s `onProgress`, like the bar
 * Keras prints. On a terminal it redraws one line in place with `\r`:
 *
 *   epoch 3/10 [=====>        ] 12/45 loss 0.2314 1,234 samples/s
 *
 * and leaves one finished line per epoch (with metrics and validation
 * results). When the stream is not a terminal (CI logs, a file), it writes
 * only that finished line, once per epoch, so logs stay readable. fit
 * reports each epoch before its callbacks' onEpochEnd, so what they print
 * (reduceLROnPlateau's `verbose` message) starts on a line of its own; and
 * when fit ends mid-epoch (an abort, a callback's stop, a NaN error), its
 * final `'end'` report ends the open line where the bar stopped.
 *
 * @example
 * ```ts
 * import { fit, sequential, dense, mse, adam } from 'myelin';
 * import { terminalProgress } from 'myelin/node';
 * const x = [[0], [1], [2], [3]], y = [[1], [3], [5], [7]];
 * await fit(sequential([dense(1, 1)]), x, y, { loss: mse, optimizer: adam(), epochs: 3, onProgress: terminalProgress() });
 * ```
 */
export function terminalProgress(
  options: TerminalProgressOptions = {},
): (progress: FitProgress) => void {
  const fn = 'terminalProgress';
  if (options === null || typeof options !== 'object') fail(fn, 'options', 'an object', options);
  assertKnownKeys(fn, 'options', options, ['stream', 'width', 'tty', 'throttleMs']);
  const stream = options.stream ?? process.stdout;
  if (stream === null || typeof stream !== 'object' || typeof stream.write !== 'function')
    fail(fn, 'stream', 'a writable stream', stream);
  const width = assertPositiveInt(fn, 'width', options.width ?? 30);
  const throttleMs = options.throttleMs ?? 50;
  if (typeof throttleMs !== 'number' || !(throttleMs >= 0))
    fail(fn, 'throttleMs', 'a non-negative number', throttleMs);
  const tty = options.tty ?? stream.isTTY === true;
  if (typeof tty !== 'boolean') fail(fn, 'tty', 'a boolean', tty);
  let lastDraw = -Infinity;
  let lastLength = 0;

  return (p: FitProgress): void => {
    const head = `epoch ${p.epoch + 1}/${p.epochs}`;
    const speed = `${grouped(p.samplesPerSecond)} samples/s`;
    if (!tty) {
      if (p.phase === 'epoch') stream.write(`${head} loss ${fmt(p.loss)}${extras(p)} ${speed}\n`);
      return;
    }
    if (p.phase === 'end' && lastLength === 0) return; // no open line
    const t = Date.now();
    if (p.phase === 'batch' && t - lastDraw < throttleMs && p.batch < p.batches) return;
    lastDraw = t;
    // Narrow terminals: shrink the bar so the line never wraps (a wrapped line cannot be redrawn with \r).
    const tail = ` ${p.batch}/${p.batches} loss ${fmt(p.loss)}${p.phase === 'epoch' ? extras(p) : ''} ${speed}`;
    // Some pseudo-terminals report 0 columns: treat that as unknown, like undefined.
    const columns =
      stream.columns === undefined || stream.columns <= 0 ? undefined : stream.columns;
    const room = (columns ?? 80) - head.length - tail.length - 4;
    const w = Math.max(5, Math.min(width, room));
    let line = `${head} ${bar(p.batch, p.batches, w)}${tail}`;
    // only the redrawn batch lines must fit; the epoch line stays in the scrollback whole (it may wrap)
    if (p.phase !== 'epoch' && columns !== undefined && line.length >= columns)
      line = line.slice(0, columns - 1);
    // Pad over the remains of a longer previous line instead of an ANSI erase code.
    const pad = ' '.repeat(Math.max(0, lastLength - line.length));
    stream.write(`\r${line}${pad}${p.phase === 'batch' ? '' : '\n'}`);
    lastLength = p.phase === 'batch' ? line.length : 0;
  };
}
