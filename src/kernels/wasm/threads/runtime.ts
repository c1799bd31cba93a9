import { assertKnownKeys, assertOptions, assertPositiveInt, fail } from '../../../_lib/assert.js';
import { getBackend } from '../../backend.js';
import { useWasm as useWasmOneThread } from '../index.js';
import { KGRAD_BLOCK } from '../conv.js';
import { getRuntime, setRuntime } from '../kernels.js';
import {
  homeOf,
  relaxedSupported,
  type RowCopy,
  type RowKernelName,
  type WasmExports,
  type WasmRuntime,
} from '../loader.js';
import { sharedInstance, sharedMemoryUnavailable, type Kernel } from './shared.js';
import { startPool, type Pool, type Spawn } from './pool.js';
import { SPIN_US } from './worker-source.js';

/**
 * The largest thread count `useWasm` of myelin/wasm/threads accepts (and the
 * cap of its default, the number of cores).
 *
 * @example
 * ```ts
 * import { useWasm, MAX_THREADS } from 'myelin/wasm/threads';
 * await useWasm({ threads: Math.min(4, MAX_THREADS) });
 * ```
 */
export const MAX_THREADS = 16;

/** Options for the threaded `useWasm` of myelin/wasm/threads. */
export interface UseWasmThreadsOptions {
  /**
   * Threads that share the work of one kernel call, the calling thread
   * included: a positive integer up to {@link MAX_THREADS}. Default: the
   * number of cores, at most {@link MAX_THREADS}. 1 runs the single-thread
   * module of myelin/wasm.
   */
  readonly threads?: number;
  /** As in myelin/wasm: the relaxed-SIMD build when the engine has it. Default true. */
  readonly relaxedSimd?: boolean;
}

/** The threads myelin's WebAssembly kernels use, and why no more. */
export interface ThreadsInfo {
  /** Threads working on one kernel call, the calling thread included (1: no pool). */
  readonly threads: number;
  /** Threads asked for (1 before any `useWasm`). */
  readonly requested: number;
  /** Why `threads` is below `requested`, or null when it is not. */
  readonly reason: string | null;
}

// The exports workers may be asked to run, by index (a job names its kernel by number).
const KERNELS = [
  'matmulPart',
  'convDirectForward',
  'convDirectKernelGradBlocks',
  'maxPoolForward',
  'maxPoolBackward',
  'adam',
  'sgd',
  'relu',
  'reluBackward',
] as const;
const MATMUL_PART = 0;
const CONV_FORWARD = 1;
const CONV_KERNEL_GRAD_BLOCKS = 2;
const MAX_POOL_FORWARD = 3;
const MAX_POOL_BACKWARD = 4;
const ADAM = 5;
const SGD = 6;
const RELU = 7;
const RELU_BACKWARD = 8;

/**
 * Work sizes below which a kernel call stays on the calling thread. Internal:
 * tests set `matmulWork` to 0 to push every size through the pool.
 */
export const threadLimits = {
  /**
   * Smallest m·k·n split across threads. Measured on Node 20 (x86-64, 2
   * cores, both busy with other work, so an upper bound): a split 16x16x16
   * product takes 11.7 us against 0.6 us on one thread (waking the worker
   * and waiting for it); on one thread 64³ takes 15 us, 96³ 46 us, 128³
   * 106 us. On a quiet machine through the benchmark (allocating the result
   * included), a split 128³ product ran at 0.74x of one thread and 256³ at
   * 1.38x, so the threshold sits between them; W2's 64·784·128 still splits.
   */
  matmulWork: 160 * 160 * 160,
  /**
   * Smallest m·k·n split when A, B and C all live in the shared memory
   * already (planned buffers and weights), so that nothing is copied: on
   * such operands a split 64x1352x10 product (W5's dense layer, 865,000
   * multiply-adds) ran in 48 us against 77 on one thread, 96³ in 27-45 against
   * 43, while 64x128x10 (82,000) gained only 1.5 us.
   */
  matmulWorkInMemory: 1 << 19,
  /** Smallest multiply-add count of a direct convolution (forward or kernel gradient) split. */
  convWork: 96 * 96 * 96,
  /** Smallest rows·outH·outW·C·poolH·poolW of a max pooling (forward or backward) split. */
  poolWork: 1 << 18,
  /** Smallest parameter count of an optimizer update (Adam, SGD) split. */
  updateElements: 1 << 15,
  /**
   * How long an idle worker (and the caller waiting for one) polls before
   * sleeping, in microseconds.
   */
  spinMicros: SPIN_US,
};

// What a byte copied costs in flops of the product (about 40 GFLOPS on one
// thread), for balancing the calling thread's block against its copies (see
// `split`): into the module's memory ~14 GB/s; out into a fresh result
// array, whose pages fault on first write, ~2 GB/s (measured on Node 20,
// x86-64, in split products at n = 512: 1 MB in 0.07 ms and 0.5 ms).
const COPY_IN = 3;
const COPY_OUT = 20;
// Floats copied per chunk, and the copying left (about 100 us) at which the
// workers are woken for a coming job.
const CHUNK = 1 << 16;
const WAKE_FLOATS = 1 << 18;

let pool: Pool | null = null;
// The runtime the pool serves (another useWasm may install a different one).
let pooled: WasmRuntime | null = null;
let info: ThreadsInfo = { threads: 1, requested: 1, reason: null };

/**
 * Splits `count` items (rows of a batch, taps of a kernel) into at most
 * `parts` contiguous blocks of sizes that differ by at most one: [start, end) each.
 */
export function blocksOf(count: number, parts: number): [number, number][] {
  const n = Math.max(1, Math.min(parts, count));
  const out: [number, number][] = [];
  let start = 0;
  for (let t = 0; t < n; t++) {
    const end = start + Math.floor(count / n) + (t < count % n ? 1 : 0);
    out.push([start, end]);
    start = end;
  }
  return out;
}

/**
 * Splits C = op(A)·op(B) into `parts` blocks: rows in multiples of 4 when C
 * has at least as many rows as columns, else columns in multiples of 8 (the
 * micro-kernel's tile). Returns [i0, i1, j0, j1] per block. `ownShare` is
 * the weight of the first block (the calling thread's, which also copies)
 * against 1 for each other block; the units left are spread evenly. The
 * partition depends only on the sizes and the thread count, never on timing.
 */
export function partition(m: number, n: number, parts: number, ownShare = 1): number[][] {
  const byRows = m >= n;
  const len = byRows ? m : n;
  const unit = byRows ? 4 : 8;
  const units = Math.ceil(len / unit);
  const count = Math.max(1, Math.min(parts, units));
  // the first block's units, then the others' spread evenly: the first
  // (rest % others) of them get one more
  const own =
    ownShare === 1 || count === 1
      ? Math.ceil(units / count)
      : Math.max(
          1,
          Math.min(units - count + 1, Math.round((units * ownShare) / (ownShare + count - 1))),
        );
  const others = count - 1;
  const rest = units - own;
  const blocks: number[][] = [];
  let start = 0;
  for (let t = 0; t < count; t++) {
    const take = t === 0 ? own : Math.floor(rest / others) + (t - 1 < rest % others ? 1 : 0);
    const end = Math.min(len, start + take * unit);
    blocks.push(byRows ? [start, end, 0, n] : [0, m, start, end]);
    start = end;
  }
  return blocks;
}

async function threadedRuntime(
  spawn: Spawn,
  threads: number,
  relaxed: boolean,
): Promise<{ rt: WasmRuntime; pool: Pool }> {
  // The recurrent kernels call back for their batched products (all T·B rows
  // at once), which are split like any other product; bound below.
  let host: Kernel = () => {
    throw new Error('myelin wasm: the thread pool is not ready');
  };
  const { module, memory, own } = await sharedInstance(relaxed, (...a) => {
    host(...a);
  });
  // The calling thread's share of a split product (its block's weight against
  // one worker's), per shape, for products in memory (`matmul`) and of JS
  // arrays with their copies (`split`): a first guess, then 5% more after a
  // call in which it waited for the workers longer than 1/16 of its own
  // product, 5% less after one in which it did not (a training loop calls
  // the same few products again and again). A call in which the caller took
  // back a job its worker had not picked up says nothing of the balance and
  // leaves the share. Each element of C is computed with the same operations
  // whatever the block, so the cut never changes a bit.
  const inMemoryShares = new Map<string, number>();
  const shares = new Map<string, number>();
  const endOfOwn = (t0: number): number => {
    const t1 = performance.now();
    return t1 + (t1 - t0) / 16;
  };
  const nextShare = (share: number, ownEnd: number): number =>
    Math.min(4, Math.max(0.05, share * (performance.now() > ownEnd ? 1.05 : 0.95)));
  const p = await startPool(spawn, threads - 1, module, memory, KERNELS, (job) => {
    // a job taken back from its worker: the same export on this thread's instance
    const fn = (own as unknown as Record<string, Kernel>)[KERNELS[job.op] as string] as Kernel;
    fn(...job.args);
  });
  const wsBytes = own.workspaceBytes();

  // The one place the threads come in: every caller of ex.matmul (the
  // product, the fused dense layer, anything built on them) gets the split.
  const matmul: WasmExports['matmul'] = (a, b, c, m, k, n, transA, transB, ws) => {
    if (!live() || m * k * n < threadLimits.matmulWorkInMemory) {
      own.matmul(a, b, c, m, k, n, transA, transB, ws);
      return;
    }
    // the calling thread's share adapts as in `split` (it has no copies here,
    // but its workers may start late)
    const key = `${m},${k},${n},${transA},${transB}`;
    const share = inMemoryShares.get(key) ?? 1;
    const blocks = partition(m, n, p.workers + 1, share);
    const mine = blocks[0] as number[];
    const jobs = blocks.slice(1).map((blk, t) => ({
      op: MATMUL_PART,
      args: [a, b, c, m, k, n, transA, transB, ws + (t + 1) * wsBytes, ...blk],
    }));
    let ownEnd = 0;
    const tookBack = p.run(jobs, () => {
      const t0 = performance.now();
      own.matmulPart(
        a,
        b,
        c,
        m,
        k,
        n,
        transA,
        transB,
        ws,
        mine[0] as number,
        mine[1] as number,
        mine[2] as number,
        mine[3] as number,
      );
      ownEnd = endOfOwn(t0);
    });
    if (!tookBack) inMemoryShares.set(key, nextShare(share, ownEnd));
  };
  host = matmul;

  // The product of JS arrays, copies included (matmulWasm's layout). The
  // copies are the serial part of a split product, so they overlap the
  // workers' work where they can: the caller copies what the workers read
  // first (B, and their rows of A) and posts their jobs; then it copies its
  // own rows of A, computes its block, copies it out, and (the first time it
  // sees a result array) touches the pages of the workers' rows of C, since a
  // fresh array takes its page faults on first write, before it waits for
  // them; only the workers' rows are left to copy out at the end. Its block is
  // smaller by what that costs: a first guess from the sizes, then adapted
  // (see `shares`).
  const touched = new WeakSet<Float32Array>();
  const split: NonNullable<WasmRuntime['split']> = (
    a,
    b,
    c,
    pa,
    pb,
    pc,
    m,
    k,
    n,
    transA,
    transB,
    ws,
  ) => {
    // operands that live in the shared memory (arena buffers) are not copied
    const aHome = homeOf(rt, a) === pa;
    const bHome = homeOf(rt, b) === pb;
    const cHome = homeOf(rt, c) === pc;
    const limit =
      aHome && bHome && cHome ? threadLimits.matmulWorkInMemory : threadLimits.matmulWork;
    if (!live() || m * k * n < limit) return false;
    const byRows = m >= n;
    // own rows of A copied after the posting: rows split, A stored by rows
    const late = byRows && transA === 0 && !aHome;
    const fault = !cHome && !touched.has(c);
    const key = `${m},${k},${n},${transA},${transB}`;
    let share = shares.get(key);
    if (share === undefined) {
      // the calling thread's extra work per unit of its block (copying its
      // rows of A in, its rows or columns of C out) and per unit of the
      // workers' blocks (touching their rows of C), in flops; see COPY_IN
      // and COPY_OUT
      const work = byRows ? 2 * k * n : 2 * m * k;
      const ownExtra = 4 * (byRows ? (late ? COPY_IN * k : 0) + COPY_OUT * n : COPY_OUT * m);
      const workerExtra = byRows ? 4 * COPY_OUT * n : 0;
      share = Math.max(0.5, (work - p.workers * workerExtra) / (work + ownExtra));
    }
    const blocks = partition(m, n, p.workers + 1, share);
    const mine = blocks[0] as number[];
    const theirs = blocks.slice(1);

    let woken = false;
    // floats copied before the posting
    let left = (aHome ? 0 : late ? (m - (mine[1] as number)) * k : m * k) + (bHome ? 0 : k * n);
    const copy = (src: Float32Array, from: number, to: number, at: number): void => {
      if (homeOf(rt, src) === at - from * 4) return;
      // in chunks, waking the workers when the copying left is short
      for (let s = from; s < to; s += CHUNK) {
        if (!woken && left <= WAKE_FLOATS) {
          p.wake();
          woken = true;
        }
        const e = Math.min(to, s + CHUNK);
        rt.f32.set(src.subarray(s, e), (at >>> 2) + s - from);
        left -= e - s;
      }
    };
    copy(b, 0, k * n, pb);
    if (late) {
      for (const [i0, i1] of theirs as [number, number][]) copy(a, i0 * k, i1 * k, pa + i0 * k * 4);
    } else if (!aHome) {
      copy(a, 0, m * k, pa);
    }
    if (!woken) p.wake();
    const out = (blk: number[], touch: boolean): void => {
      if (cHome) return;
      const [i0, i1, j0, j1] = blk as [number, number, number, number];
      const f32 = rt.f32;
      const o = pc >>> 2;
      if (j0 === 0 && j1 === n) {
        if (touch) c.fill(0, i0 * n, i1 * n);
        else c.set(f32.subarray(o + i0 * n, o + i1 * n), i0 * n);
      } else if (!touch) {
        for (let i = i0; i < i1; i++)
          c.set(f32.subarray(o + i * n + j0, o + i * n + j1), i * n + j0);
      }
    };
    const jobs = theirs.map((blk, t) => ({
      op: MATMUL_PART,
      args: [pa, pb, pc, m, k, n, transA, transB, ws + (t + 1) * wsBytes, ...blk],
    }));
    let ownEnd = 0;
    const tookBack = p.run(jobs, () => {
      const [i0, i1, j0, j1] = mine as [number, number, number, number];
      if (late) rt.f32.set(a.subarray(i0 * k, i1 * k), (pa >>> 2) + i0 * k);
      const t0 = performance.now();
      own.matmulPart(pa, pb, pc, m, k, n, transA, transB, ws, i0, i1, j0, j1);
      const t1 = performance.now();
      out(mine, false);
      if (fault) for (const blk of theirs) out(blk, true);
      ownEnd = performance.now() + (t1 - t0) / 16;
    });
    if (!tookBack) shares.set(key, nextShare(share, ownEnd));
    for (const blk of theirs) out(blk, false);
    if (fault) touched.add(c);
    return true;
  };
  const kernels = own as unknown as Record<(typeof KERNELS)[number], Kernel>;
  const live = (): boolean => {
    if (p.spinMicros !== threadLimits.spinMicros) p.spinMicros = threadLimits.spinMicros;
    return pool === p && p.broken === null;
  };

  // A kernel over a batch, split by rows: args[rowsAt] is the row count, and
  // each pointer argument named in `perRow` ([argument index, bytes per row])
  // moves to the block's first row. Every row is computed alone, so any split
  // gives the bits of one thread.
  interface RowKernel {
    readonly name: RowKernelName;
    readonly op: number;
    readonly rowsAt: number;
    readonly perRow: (a: number[]) => [number, number][];
    readonly work: (a: number[]) => number;
    readonly limit: () => number;
    /** Rows per unit of the split (16 elements, a 64-byte line, for the updates). */
    readonly unit?: number;
  }
  const rowsArgs = (k: RowKernel, a: number[], [r0, r1]: [number, number]): number[] => {
    const b = a.slice();
    for (const [at, bytes] of k.perRow(a)) b[at] = (a[at] as number) + r0 * bytes;
    b[k.rowsAt] = r1 - r0;
    return b;
  };
  const splits = (k: RowKernel, a: number[]): boolean =>
    live() && (a[k.rowsAt] as number) >= 2 && k.work(a) >= k.limit();
  const byRows =
    (k: RowKernel): Kernel =>
    (...a) => {
      if (!splits(k, a)) {
        kernels[k.name](...a);
        return;
      }
      const blocks = blocksOf(a[k.rowsAt] as number, p.workers + 1);
      const jobs = blocks.slice(1).map((blk) => ({ op: k.op, args: rowsArgs(k, a, blk) }));
      const mine = rowsArgs(k, a, blocks[0] as [number, number]);
      p.run(jobs, () => {
        kernels[k.name](...mine);
      });
    };

  // (x, w, bias, y, rows, inH, inW, inC, outH, outW, F, kH, kW, ...)
  const convForwardRows: RowKernel = {
    name: 'convDirectForward',
    op: CONV_FORWARD,
    rowsAt: 4,
    perRow: (a) => [
      [0, (a[5] as number) * (a[6] as number) * (a[7] as number) * 4],
      [3, (a[8] as number) * (a[9] as number) * (a[10] as number) * 4],
    ],
    work: (a) => a.slice(4, 13).reduce((x, y) => x * y, 1) / ((a[5] as number) * (a[6] as number)),
    limit: () => threadLimits.convWork,
  };
  // (x, y, arg, rows, inH, inW, C, poolH, poolW, sH, sW, padTop, padLeft, outH, outW)
  const poolRows = (a: number[]): [number, number] => [
    (a[4] as number) * (a[5] as number) * (a[6] as number) * 4,
    (a[13] as number) * (a[14] as number) * (a[6] as number) * 4,
  ];
  const poolWork = (a: number[]): number =>
    (a[3] as number) *
    (a[13] as number) *
    (a[14] as number) *
    (a[6] as number) *
    (a[7] as number) *
    (a[8] as number);
  const poolForwardRows: RowKernel = {
    name: 'maxPoolForward',
    op: MAX_POOL_FORWARD,
    rowsAt: 3,
    perRow: (a) => {
      const [inRow, outRow] = poolRows(a);
      return [
        [0, inRow],
        [1, outRow],
        [2, outRow],
      ];
    },
    work: poolWork,
    limit: () => threadLimits.poolWork,
  };
  // (gy, arg, gx, rows, ...the same geometry)
  const poolBackwardRows: RowKernel = {
    name: 'maxPoolBackward',
    op: MAX_POOL_BACKWARD,
    rowsAt: 3,
    perRow: (a) => {
      const [inRow, outRow] = poolRows(a);
      return [
        [0, outRow],
        [1, outRow],
        [2, inRow],
      ];
    },
    work: poolWork,
    limit: () => threadLimits.poolWork,
  };
  // The Adam update as a batch kernel of one-element rows: (p, g, m, v,
  // length, ...scalars); its four arrays move 4 bytes a row.
  const adamRows: RowKernel = {
    name: 'adam',
    op: ADAM,
    rowsAt: 4,
    perRow: () => [
      [0, 4],
      [1, 4],
      [2, 4],
      [3, 4],
    ],
    work: (a) => a[4] as number,
    limit: () => threadLimits.updateElements,
    unit: 16,
  };
  const rowKernels: Record<RowKernelName, RowKernel> = {
    convDirectForward: convForwardRows,
    maxPoolForward: poolForwardRows,
    maxPoolBackward: poolBackwardRows,
    adam: adamRows,
  };
  const convDirectForward = byRows(convForwardRows);
  const maxPoolForward = byRows(poolForwardRows);
  const maxPoolBackward = byRows(poolBackwardRows);

  // The same kernels called with their JS arrays, copies included, the
  // copies overlapping the workers' work as in `split`: the caller copies the
  // workers' rows in and posts their jobs, then copies its own rows in,
  // computes them and copies them out while the workers compute, and copies
  // their rows out at the end. The copies cost as much as the work here
  // (pooling is a copy with compares), so the caller's block is smaller: its
  // weight against a worker's adapts to how long it waited for them (each
  // row is computed alone, so the bits do not depend on the split).
  const weights: Record<RowKernelName, number> = {
    convDirectForward: 0.5,
    maxPoolForward: 0.5,
    maxPoolBackward: 0.5,
    adam: 0.5,
  };
  const splitRows = (
    name: RowKernelName,
    a: number[],
    ins: readonly RowCopy[],
    outs: readonly RowCopy[],
  ): boolean => {
    const k = rowKernels[name];
    const rows = a[k.rowsAt] as number;
    const unit = k.unit ?? 1;
    const units = Math.ceil(rows / unit);
    const parts = Math.min(units, p.workers + 1);
    if (parts < 2 || !splits(k, a)) return false;
    p.wake();
    const w = weights[name];
    const own = Math.max(1, Math.min(units - parts + 1, Math.round((units * w) / (w + parts - 1))));
    const blocks: [number, number][] = [[0, Math.min(rows, own * unit)]];
    for (const [u0, u1] of blocksOf(units - own, parts - 1))
      blocks.push([(own + u0) * unit, Math.min(rows, (own + u1) * unit)]);
    const move = (list: readonly RowCopy[], out: boolean, [r0, r1]: [number, number]): void => {
      const f32 = rt.f32;
      for (const { data, at, perRow } of list) {
        if (homeOf(rt, data) === at) continue;
        const o = (at >>> 2) + r0 * perRow;
        if (out) data.set(f32.subarray(o, o + (r1 - r0) * perRow), r0 * perRow);
        else f32.set(data.subarray(r0 * perRow, r1 * perRow), o);
      }
    };
    const theirs = blocks.slice(1);
    for (const blk of theirs) move(ins, false, blk);
    const jobs = theirs.map((blk) => ({ op: k.op, args: rowsArgs(k, a, blk) }));
    const mine = blocks[0] as [number, number];
    const args = rowsArgs(k, a, mine);
    let ownEnd = 0;
    const tookBack = p.run(jobs, () => {
      move(ins, false, mine);
      const t0 = performance.now();
      kernels[name](...args);
      move(outs, true, mine);
      ownEnd = performance.now();
      // the worker's block is computed in about the time of the caller's
      // kernel call (not its copies): more waiting than 1/16 of that means
      // the caller's block may grow
      ownEnd += (ownEnd - t0) / 16;
    });
    if (!tookBack) {
      const waited = performance.now() > ownEnd;
      weights[name] = Math.min(1, Math.max(0.05, w * (waited ? 1.05 : 0.95)));
    }
    for (const blk of theirs) move(outs, true, blk);
    return true;
  };

  // The kernel gradient sums over the batch in blocks of KGRAD_BLOCK samples,
  // each from 0, then adds the blocks' sums in block order (asm/conv.ts): the
  // threads take whole blocks, each into its own slot of the workspace, and
  // the calling thread adds them up, so the bits are those of one thread.
  // Each thread reads only its own samples' x and gy.
  // (x, gy, gw, rows, inH, inW, inC, outH, outW, F, kH, kW, sH, sW, dH, dW,
  // padTop, padLeft, ws)
  const ownConv = own as unknown as Record<'convDirectKernelGrad' | 'convKernelGradReduce', Kernel>;
  const convDirectKernelGrad: Kernel = (...a) => {
    const rows = a[3] as number;
    const taps = (a[10] as number) * (a[11] as number) * (a[6] as number);
    const work = rows * (a[7] as number) * (a[8] as number) * (a[9] as number) * taps;
    const blocks = Math.ceil(rows / KGRAD_BLOCK);
    if (!live() || blocks < 2 || work < threadLimits.convWork) {
      ownConv.convDirectKernelGrad(...a);
      return;
    }
    const parts = a[18] as number;
    // (x, gy, parts, rows and the 14 geometry values, b0, b1)
    const args = (b0: number, b1: number): number[] => [
      a[0] as number,
      a[1] as number,
      parts,
      ...a.slice(3, 18),
      b0,
      b1,
    ];
    const split = blocksOf(blocks, p.workers + 1);
    const jobs = split
      .slice(1)
      .map(([b0, b1]) => ({ op: CONV_KERNEL_GRAD_BLOCKS, args: args(b0, b1) }));
    const [m0, m1] = split[0] as [number, number];
    p.run(jobs, () => {
      kernels.convDirectKernelGradBlocks(...args(m0, m1));
    });
    ownConv.convKernelGradReduce(a[2] as number, parts, blocks, (a[9] as number) * taps);
  };

  // An optimizer update or an element-wise kernel over flat arrays, split
  // into contiguous ranges of whole 64-byte lines (16 elements; the SIMD
  // loop's groups of 4 stay whole too). Every element is computed alone by
  // the same operations, so any split gives the bits of one thread.
  // args[lenAt] is the length; the pointer arguments before it move to the
  // range's start.
  const byElements =
    (name: 'adam' | 'sgd' | 'relu' | 'reluBackward', op: number, lenAt: number): Kernel =>
    (...a) => {
      const len = a[lenAt] as number;
      if (!live() || len < threadLimits.updateElements) {
        kernels[name](...a);
        return;
      }
      const argsOf = ([u0, u1]: [number, number]): number[] => {
        const b = a.slice();
        const start = u0 * 16;
        for (let i = 0; i < lenAt; i++) b[i] = (a[i] as number) + start * 4;
        b[lenAt] = Math.min(len, u1 * 16) - start;
        return b;
      };
      const blocks = blocksOf(Math.ceil(len / 16), p.workers + 1);
      const jobs = blocks.slice(1).map((blk) => ({ op, args: argsOf(blk) }));
      const mine = argsOf(blocks[0] as [number, number]);
      p.run(jobs, () => {
        kernels[name](...mine);
      });
    };
  // (p, g, m, v, length, ...scalars) and (p, g, buf, length, ...scalars)
  const adam = byElements('adam', ADAM, 4);
  const sgd = byElements('sgd', SGD, 3);
  // (x, out, length) and (x, dy, dx, length): large activations, such as a
  // convolution's output over a batch
  const relu = byElements('relu', RELU, 2);
  const reluBackward = byElements('reluBackward', RELU_BACKWARD, 3);

  const ex: WasmExports = Object.assign(Object.create(null) as object, own, {
    matmul,
    convDirectForward,
    convDirectKernelGrad,
    maxPoolForward,
    maxPoolBackward,
    adam,
    sgd,
    relu,
    reluBackward,
  });
  const buffer = memory.buffer;
  const rt: WasmRuntime = {
    ex,
    relaxed,
    base: own.heapBase(),
    // one packing workspace per thread, side by side
    workspace: threads * wsBytes,
    f32: new Float32Array(buffer),
    i32: new Int32Array(buffer),
    split,
    splitRows,
    wake: (kind, work) => {
      const limit = kind === 'matmul' ? threadLimits.matmulWork : threadLimits.convWork;
      if (work >= limit && live()) p.wake();
    },
  };
  return { rt, pool: p };
}

/** The platform part of the threaded useWasm: how to start a worker, and the core count. */
export interface Platform {
  readonly spawn: Spawn;
  readonly cores: number;
  /**
   * The platform's one-thread useWasm, for one thread or the fallback: in
   * Node myelin/wasm's (the module on a shared memory), in browsers the
   * build with its own memory.
   */
  readonly oneThread: (options: { relaxedSimd: boolean }) => Promise<boolean>;
}

let pending: Promise<boolean> | null = null;

/** The threaded `useWasm`, given the platform's worker constructor (node.ts, index.ts). */
export async function useWasmWith(
  platform: Platform,
  options: UseWasmThreadsOptions,
): Promise<boolean> {
  const fn = 'useWasm';
  assertOptions(fn, options);
  assertKnownKeys(fn, 'options', options, ['threads', 'relaxedSimd']);
  const cores = Math.max(1, Math.floor(platform.cores));
  const requested =
    options.threads === undefined
      ? Math.min(cores, MAX_THREADS)
      : assertPositiveInt(fn, 'options.threads', options.threads);
  if (requested > MAX_THREADS) {
    fail(fn, 'options.threads', `at most ${MAX_THREADS} (MAX_THREADS)`, requested);
  }
  const relaxed = (options.relaxedSimd ?? true) && relaxedSupported();
  while (pending !== null) await pending.catch(() => false);
  const task = switchTo(platform, requested, relaxed);
  pending = task;
  try {
    return await task;
  } finally {
    pending = null;
  }
}

async function switchTo(platform: Platform, requested: number, relaxed: boolean): Promise<boolean> {
  const current = getRuntime();
  if (
    pool !== null &&
    pool.broken === null &&
    info.threads === requested &&
    current?.relaxed === relaxed
  ) {
    return useWasmOneThread({ relaxedSimd: relaxed });
  }
  closeThreads();
  let reason: string | null = requested === 1 ? null : sharedMemoryUnavailable();
  if (requested > 1 && reason === null) {
    try {
      const made = await threadedRuntime(platform.spawn, requested, relaxed);
      pool = made.pool;
      setRuntime(made.rt);
      pooled = made.rt;
      info = { threads: requested, requested, reason: null };
      // finds the runtime in place and fills the kernel slots
      return await useWasmOneThread({ relaxedSimd: relaxed });
    } catch (e) {
      reason = `the thread pool could not start: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
  info = { threads: 1, requested, reason };
  return platform.oneThread({ relaxedSimd: relaxed });
}

/**
 * The thread count the WebAssembly kernels use now, the count asked for, and
 * the reason when they differ (no shared memory, the pool failed to start,
 * or it was closed).
 *
 * @example
 * ```ts
 * import { useWasm, getThreads } from 'myelin/wasm/threads';
 * await useWasm({ threads: 2 });
 * console.log(getThreads()); // { threads: 2, requested: 2, reason: null } in Node
 * ```
 */
export function getThreads(): ThreadsInfo {
  if (getBackend() !== 'wasm' && info.requested > 1) {
    return {
      threads: 1,
      requested: info.requested,
      reason: 'the JS kernels are in use (useJs), which run on one thread',
    };
  }
  if (pool !== null && getRuntime() !== pooled) {
    return {
      threads: 1,
      requested: info.requested,
      reason: 'the kernels were switched to a module without threads (useWasm of myelin/wasm)',
    };
  }
  if (pool?.broken != null && pool.broken !== 'closed') {
    return { threads: 1, requested: info.requested, reason: pool.broken };
  }
  return info;
}

/**
 * Stops the pool's workers. The kernels keep running, on the calling thread
 * only; a later `useWasm({ threads })` starts a new pool. Not needed for a
 * Node process to exit: idle workers never keep it alive.
 *
 * @example
 * ```ts
 * import { useWasm, closeThreads, getThreads } from 'myelin/wasm/threads';
 * await useWasm({ threads: 2 });
 * closeThreads();
 * console.log(getThreads().threads); // 1
 * ```
 */
export function closeThreads(): void {
  if (pool === null) return;
  pool.close();
  pool = null;
  const current = getRuntime();
  if (current !== null) info = { threads: 1, requested: info.requested, reason: 'closed' };
}

/** Test hook: the next split call's first worker fails on purpose. Internal. */
export function failNextWorkerJob(): void {
  pool?.failNext();
}
