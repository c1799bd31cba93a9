// The program each pool worker runs, as source text. It is handed to the
// platform's worker constructor after a few lines that bind `send` and the
// first message (see node.ts and index.ts), so the same text serves Node's
// worker_threads and the browser's Web Workers, and it needs no file of its
// own next to the bundle.
//
// Protocol (pool.ts writes the other side). The first message carries the
// compiled module, the shared memory, the control buffer and the worker's slot.
// The worker instantiates the module on that memory, answers { ready: true }
// (or { error }), then loops: it sleeps in Atomics.wait on its SEQ word; when
// the caller bumps SEQ it acknowledges (ACK = SEQ), calls the export named by
// OP with the ARGC float64 arguments, writes STATUS (0 ok, 1 failed, with the
// message in the slot's text area), and publishes DONE = SEQ with a notify.
// Every failure inside a job is caught and reported: a job never leaves the
// caller waiting. A notify on SEQ without a new job (Pool.wake) announces
// one: the worker polls its full window for it. OP -1 asks the worker to
// leave the loop; OP -2 is a test hook that fails on purpose.

/** int32 words per worker slot in the control buffer. */
export const SLOT = 256;
/** Word offsets inside a slot. */
export const SEQ = 0;
export const ACK = 1;
export const DONE = 2;
export const STATUS = 3;
export const OP = 4;
export const ARGC = 5;
export const MSG_LEN = 6;
/** How long the worker polls for its next job before it sleeps, in microseconds (the pool sets it). */
export const SPIN = 7;
/** First word of the float64 arguments (24 of them at most: words 16 to 63). */
export const ARGS = 16;
export const MAX_ARGS = 24;
/** First word of the error text (one UTF-16 unit per word). */
export const MSG = 64;
export const MSG_MAX = SLOT - MSG;
/**
 * How long a waiting thread (an idle worker, or the caller waiting for a
 * worker) polls before it sleeps in Atomics.wait, in microseconds, unless
 * the pool is told otherwise. A training step hands out several split
 * calls with serial work (copies, element-wise kernels) between them; a
 * worker that still polls picks the next job up in well under a
 * microsecond, while one that sleeps takes tens of microseconds to wake
 * (more on a busy machine). After 200 us without work the worker sleeps,
 * so an idle process uses no CPU. (Longer windows gained nothing
 * measurable, and cost more when other processes wanted the cores.)
 */
export const SPIN_US = 200;
/**
 * A gap between two clock reads of a polling loop longer than this (in
 * milliseconds) means the thread was preempted: the cores are busy, and
 * polling would only take time from the thread being waited for.
 */
export const PREEMPTED_MS = 0.05;

/**
 * A worker's claim on job `s`, whose slot keeps its ACK word at `ack`:
 * true when this worker may run it, false when the caller took it back
 * already. ACK holds the sequence number of the last job claimed in the slot,
 * by its worker or by the caller, so it only moves forward (sequence numbers
 * grow by one per call, wrapping in int32). The claim compares with the value
 * ACK holds now, not with the last job this worker saw: a worker that slept
 * through a job the caller took back must still be able to claim the next
 * one, and a worker that read a job's number late must never move ACK back.
 * Embedded in the worker program by its source text, so it refers to nothing
 * outside itself.
 *
 * @example
 * ```ts
 * const i32 = new Int32Array(new SharedArrayBuffer(8));
 * Atomics.store(i32, 1, 6); // the caller took job 6 back
 * claimJob(i32, 1, 7); // true: job 7 is this worker's
 * claimJob(i32, 1, 6); // false: ACK is past 6
 * ```
 */
export function claimJob(i32: Int32Array, ack: number, s: number): boolean {
  const a = Atomics.load(i32, ack);
  if (((s - a) | 0) <= 0) return false;
  return Atomics.compareExchange(i32, ack, a, s) === a;
}

/** The worker program; expects `send(message)` to be bound and calls nothing until `boot(first)`. */
export const WORKER_SOURCE = `
'use strict';
let ex, i32, f64, base, names;
const claim = (${claimJob.toString()});
function boot(msg) {
  try {
    const instance = new WebAssembly.Instance(msg.module, {
      env: {
        memory: msg.memory,
        abort() { throw new Error('myelin wasm: abort'); },
        // the recurrent kernels' batched products: only the calling thread splits work
        batchedMatmul() { throw new Error('batchedMatmul is for the calling thread'); },
      },
    });
    ex = instance.exports;
    i32 = new Int32Array(msg.ctrl);
    f64 = new Float64Array(msg.ctrl);
    base = msg.slot * ${SLOT};
    names = msg.names;
  } catch (e) {
    send({ error: String((e && e.message) || e) });
    return;
  }
  send({ ready: true });
  loop();
}
function loop() {
  // SEQ starts at 0; the caller may have posted a job already (do not read it here)
  let seen = 0;
  let window = i32[base + ${SPIN}]; // microseconds
  for (;;) {
    // Jobs come in bursts (the split calls of one training step): poll
    // before sleeping, which saves the wake-up on the next job; an idle
    // worker sleeps. Polling stops at once when this thread was preempted
    // (two reads of the clock far apart): the cores are wanted by other
    // threads, maybe by the very one that will post the job. Each
    // preemption halves the window for the next time; each job caught by
    // polling doubles it again, each one missed adds 16 us, up to the
    // slot's SPIN microseconds (which the pool halves when a worker picks
    // its jobs up late).
    let last = performance.now();
    const spinUntil = last + window / 1000;
    while (Atomics.load(i32, base + ${SEQ}) === seen) {
      const t = performance.now();
      if (t >= spinUntil) break;
      if (t - last > ${PREEMPTED_MS}) {
        window = window / 2;
        break;
      }
      last = t;
    }
    const max = i32[base + ${SPIN}];
    window = Math.min(max, Atomics.load(i32, base + ${SEQ}) !== seen ? Math.max(window * 2, 16) : window + 16);
    Atomics.wait(i32, base + ${SEQ}, seen);
    const s = Atomics.load(i32, base + ${SEQ});
    if (s === seen) {
      // woken without a job: the caller says one is coming (Pool.wake)
      window = max;
      continue;
    }
    // claim the job, unless the caller took it back already (see claimJob)
    seen = s;
    if (!claim(i32, base + ${ACK}, s)) continue;
    const op = i32[base + ${OP}];
    let status = 0;
    try {
      if (op === -1) return;
      if (op === -2) throw new Error('failure requested by the test hook');
      const fn = ex[names[op]];
      if (typeof fn !== 'function') throw new Error('unknown kernel ' + op);
      const argc = i32[base + ${ARGC}];
      const a = [];
      const at = (base + ${ARGS}) >> 1;
      for (let k = 0; k < argc; k++) a.push(f64[at + k]);
      fn(...a);
    } catch (e) {
      status = 1;
      const text = String((e && e.message) || e).slice(0, ${MSG_MAX});
      for (let k = 0; k < text.length; k++) i32[base + ${MSG} + k] = text.charCodeAt(k);
      i32[base + ${MSG_LEN}] = text.length;
    } finally {
      i32[base + ${STATUS}] = status;
      Atomics.store(i32, base + ${DONE}, s);
      Atomics.notify(i32, base + ${DONE});
    }
  }
}
`;
