// The pool's take-back: a job that no worker has picked up by the time the
// calling thread is done with its own share runs on the calling thread, once,
// and a worker that picks its job up first keeps it.
import { describe, expect, it } from 'vitest';
import { startPool, type Job, type PoolWorker } from '../../src/kernels/wasm/threads/pool.js';
import { ACK, DONE, SEQ, SLOT } from '../../src/kernels/wasm/threads/worker-source.js';

// An empty module: the pool only hands it to its workers.
const MODULE = new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));

/** Workers that say they are ready and then never look at their slot. */
function idleWorkers(): { spawn: () => PoolWorker; ctrl: () => Int32Array } {
  let ctrl: Int32Array | null = null;
  const spawn = (): PoolWorker => {
    let first: ((m: unknown) => void) | null = null;
    return {
      postMessage(m) {
        ctrl = new Int32Array((m as { ctrl: SharedArrayBuffer }).ctrl);
        queueMicrotask(() => first?.({ ready: true }));
      },
      onFirstMessage(fn) {
        first = fn;
      },
      onError() {},
      terminate() {},
    };
  };
  return { spawn, ctrl: () => ctrl! };
}

describe('thread pool take-back', () => {
  it('runs on the calling thread every job no worker has picked up, each once, after its own share', async () => {
    const { spawn, ctrl } = idleWorkers();
    const ran: string[] = [];
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    const pool = await startPool(spawn, 2, MODULE, memory, ['a', 'b'], (job: Job) => {
      ran.push(`local ${job.op}:${job.args.join(',')}`);
    });
    pool.spinMicros = 0;
    for (let round = 1; round <= 3; round++) {
      ran.length = 0;
      const tookBack = pool.run(
        [
          { op: 0, args: [round, 1] },
          { op: 1, args: [round, 2] },
        ],
        () => ran.push('own'),
      );
      expect(tookBack).toBe(true);
      expect(ran).toEqual(['own', `local 0:${round},1`, `local 1:${round},2`]);
      // both slots record the job as claimed and done
      const i32 = ctrl();
      for (const t of [0, 1]) {
        expect(i32[t * SLOT + ACK]).toBe(i32[t * SLOT + SEQ]);
        expect(i32[t * SLOT + DONE]).toBe(i32[t * SLOT + SEQ]);
      }
    }
    pool.close();
  });

  it('leaves a job its worker has claimed to that worker', async () => {
    const { spawn, ctrl } = idleWorkers();
    const ran: string[] = [];
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    const pool = await startPool(spawn, 1, MODULE, memory, ['a'], () => {
      ran.push('local');
    });
    pool.spinMicros = 0;
    // the "worker" claims the job during the caller's own share and finishes it
    const tookBack = pool.run([{ op: 0, args: [] }], () => {
      const i32 = ctrl();
      const s = Atomics.load(i32, SEQ);
      expect(Atomics.compareExchange(i32, ACK, 0, s)).toBe(0);
      Atomics.store(i32, DONE, s);
      ran.push('own');
    });
    expect(ran).toEqual(['own']);
    expect(tookBack).toBe(false);
    pool.close();
  });
});
