import {
  ACK,
  ARGC,
  ARGS,
  DONE,
  MAX_ARGS,
  MSG,
  MSG_LEN,
  OP,
  PREEMPTED_MS,
  SEQ,
  SLOT,
  SPIN,
  SPIN_US,
  STATUS,
  claimJob,
} from './worker-source.js';

/** What the pool needs of a platform worker (Node's worker_threads or a Web Worker). */
export interface PoolWorker {
  postMessage(message: unknown): void;
  /** Called once with the worker's first answer ({ ready: true } or { error }). */
  onFirstMessage(fn: (message: unknown) => void): void;
  /** Called when the worker fails outside a job (it failed to start, or died). */
  onError(fn: (error: unknown) => void): void;
  terminate(): void;
  /** Lets the process exit while the worker sleeps (Node); absent in browsers. */
  unref?(): void;
}

/** Starts one worker running WORKER_SOURCE. */
export type Spawn = () => PoolWorker;

/** One job for a worker: the index of an export in `names` and its arguments. */
export interface Job {
  readonly op: number;
  readonly args: readonly number[];
}

/**
 * Workers that each run one instance of the threaded module on one shared
 * memory. `run` hands one job to each of the first workers, runs the calling
 * thread's own share, then waits until every worker is done. A job that its
 * worker has not picked up by the time the calling thread is done with its
 * own share, the calling thread takes back and runs itself (a worker may be
 * off its core for a millisecond: the calling thread would idle that long).
 */
export interface Pool {
  /** Worker count (the calling thread is not counted). */
  readonly workers: number;
  /** Returns true when the calling thread took back a job (then it says nothing of the balance). */
  run(jobs: readonly Job[], own: () => void): boolean;
  /**
   * Tells sleeping workers that a job is coming: they wake and poll for it
   * (up to their window), so that the wake-up overlaps the caller's work
   * before `run` (its copies) instead of following the job's posting.
   */
  wake(): void;
  /** The next job of worker 0 fails on purpose (tests). */
  failNext(): void;
  close(): void;
  /** Why the pool stopped, or null while it works. */
  readonly broken: string | null;
  /**
   * How long an idle worker, and the caller waiting for a worker, poll
   * before they sleep, in microseconds (default SPIN_US; 0 sleeps at once).
   */
  spinMicros: number;
}

// A worker that has not even picked up its job after this long is dead, not
// slow (a job is acknowledged before it runs): the caller gets an error.
const PICKUP_TIMEOUT_MS = 30_000;

/** Whether this thread may block in Atomics.wait (not a browser's main thread). */
export function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts `count` workers, instantiates the module in each on `memory`, and
 * resolves when all are ready (rejects with the first failure, after
 * stopping the others). `local` runs a job on the calling thread (its own
 * instance of the module), for the jobs it takes back.
 */
export async function startPool(
  spawn: Spawn,
  count: number,
  module: WebAssembly.Module,
  memory: WebAssembly.Memory,
  names: readonly string[],
  local: (job: Job) => void,
): Promise<Pool> {
  const ctrl = new SharedArrayBuffer(count * SLOT * 4);
  const i32 = new Int32Array(ctrl);
  const f64 = new Float64Array(ctrl);
  const workers: PoolWorker[] = [];
  let broken: string | null = null;
  let seq = 0;
  let failNext = false;
  let spinUs = SPIN_US;
  // The polling window in use, at most spinUs: halved whenever a worker had
  // not even picked up its job by the time the caller finished its own
  // block (no core was free for it, or it slept: polling would take a core
  // from someone else), grown back by 50 us per call otherwise.
  let window = spinUs;
  for (let t = 0; t < count; t++) i32[t * SLOT + SPIN] = spinUs;
  const blocking = canBlock();

  const close = (): void => {
    broken ??= 'closed';
    for (const w of workers) w.terminate();
    workers.length = 0;
  };

  try {
    await Promise.all(
      Array.from({ length: count }, (_, slot) => {
        const w = spawn();
        workers.push(w);
        return new Promise<void>((resolve, reject) => {
          w.onError((e) => {
            broken = `worker ${slot} failed: ${e instanceof Error ? e.message : String(e)}`;
            reject(new Error(broken));
          });
          w.onFirstMessage((m) => {
            const error = (m as { error?: string }).error;
            if (error === undefined) resolve();
            else reject(new Error(`worker ${slot} could not start: ${error}`));
          });
          w.postMessage({ module, memory, ctrl, slot, names });
        });
      }),
    );
  } catch (e) {
    close();
    throw e;
  }
  // Ready: from now on the workers sleep in Atomics.wait and must not keep a
  // Node process alive.
  for (const w of workers) w.unref?.();

  const wait = (slot: number, s: number, posted: number): void => {
    const at = slot * SLOT;
    // The blocks are balanced, so a running worker usually finishes within
    // microseconds of the caller: poll before sleeping, since waking a
    // sleeping thread costs tens of microseconds (much more on a busy
    // machine). But only while the worker runs: one that has not even
    // picked up its job is not on a core, and polling (on a busy machine,
    // maybe on the core it waits for) would only delay it; nor after this
    // thread was preempted. (A browser page's main thread may not sleep:
    // the loop below polls there.)
    if (blocking && Atomics.load(i32, at + ACK) === s) {
      let last = performance.now();
      const spinUntil = last + window / 1000;
      while (Atomics.load(i32, at + DONE) !== s) {
        const t = performance.now();
        if (t >= spinUntil || t - last > PREEMPTED_MS) break;
        last = t;
      }
    }
    for (;;) {
      const d = Atomics.load(i32, at + DONE);
      if (d === s) return;
      if (blocking) Atomics.wait(i32, at + DONE, d, 100);
      if (broken !== null && broken !== 'closed') throw new Error(broken);
      if (Atomics.load(i32, at + ACK) !== s && Date.now() - posted > PICKUP_TIMEOUT_MS) {
        broken = `worker ${slot} did not pick up its job within ${PICKUP_TIMEOUT_MS} ms`;
        throw new Error(broken);
      }
    }
  };

  return {
    workers: count,
    get broken() {
      return broken;
    },
    failNext() {
      failNext = true;
    },
    get spinMicros() {
      return spinUs;
    },
    set spinMicros(us: number) {
      spinUs = Math.max(0, Math.min(1e6, Math.floor(us)));
      window = spinUs;
      for (let t = 0; t < count; t++) Atomics.store(i32, t * SLOT + SPIN, spinUs);
    },
    close,
    wake() {
      if (broken !== null) return;
      for (let t = 0; t < count; t++) Atomics.notify(i32, t * SLOT + SEQ);
    },
    run(jobs, own) {
      if (broken !== null) throw new Error(`the thread pool is unusable: ${broken}`);
      if (jobs.length > count) throw new Error(`${jobs.length} jobs for ${count} workers`);
      const s = (seq = (seq + 1) | 0 || 1);
      const posted = Date.now();
      for (let t = 0; t < jobs.length; t++) {
        const job = jobs[t] as Job;
        if (job.args.length > MAX_ARGS) throw new Error(`too many arguments (${job.args.length})`);
        const at = t * SLOT;
        i32[at + OP] = failNext && t === 0 ? -2 : job.op;
        i32[at + ARGC] = job.args.length;
        f64.set(job.args, (at + ARGS) >> 1);
        Atomics.store(i32, at + SEQ, s);
        Atomics.notify(i32, at + SEQ);
      }
      if (jobs.length > 0) failNext = false;
      let ownError: Error | null = null;
      try {
        own();
      } catch (e) {
        ownError = e instanceof Error ? e : new Error(String(e));
      }
      let late = false;
      let tookBack = false;
      for (let t = 0; t < jobs.length; t++) {
        const at = t * SLOT;
        if (Atomics.load(i32, at + ACK) === s) continue;
        late = true;
        // not picked up yet: take it back (unless it is the test hook's
        // failure, which must reach the worker)
        if (ownError !== null || i32[at + OP] === -2) continue;
        // the same claim as the worker's: exactly one of them wins
        if (!claimJob(i32, at + ACK, s)) continue;
        tookBack = true;
        try {
          local(jobs[t] as Job);
        } catch (e) {
          ownError = e instanceof Error ? e : new Error(String(e));
        }
        i32[at + STATUS] = 0;
        Atomics.store(i32, at + DONE, s);
      }
      const next = late ? Math.floor(window / 2) : Math.min(spinUs, window + 50);
      if (next !== window && jobs.length > 0) {
        window = next;
        for (let t = 0; t < count; t++) Atomics.store(i32, t * SLOT + SPIN, window);
      }
      // Always wait for every worker, even after a failure here: returning
      // while they still write into the shared memory would corrupt the next call.
      let workerError: string | null = null;
      for (let t = 0; t < jobs.length; t++) {
        wait(t, s, posted);
        const at = t * SLOT;
        if (i32[at + STATUS] !== 0 && workerError === null) {
          const n = i32[at + MSG_LEN] ?? 0;
          let text = '';
          for (let k = 0; k < n; k++) text += String.fromCharCode(i32[at + MSG + k] ?? 63);
          workerError = `worker ${t} failed: ${text}`;
        }
      }
      if (ownError !== null) throw ownError;
      if (workerError !== null) throw new Error(workerError);
      return tookBack;
    },
  };
}
