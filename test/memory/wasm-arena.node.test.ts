/// <reference types="node" />
// Memory over time on the WebAssembly backend as Node runs it (myelin/wasm on
// a shared memory): weights and planned buffers are blocks of the module's
// memory, which the garbage collector does not see and which never shrinks.
// A loop that makes and drops models must not grow that memory to its
// maximum (1 GiB), where the kernels' scratch no longer fits.
import { afterAll, describe, expect, it } from 'vitest';
import { getRuntime } from '../../src/kernels/wasm/kernels.js';
import { useJs, useWasm } from '../../src/kernels/wasm/node.js';
import { dense } from '../../src/layers/dense.js';
import { predict } from '../../src/models/predict.js';
import { sequential } from '../../src/models/sequential.js';
import { createRng } from '../../src/random/rng.js';
import { zeros } from '../../src/tensor/create.js';

const MiB = 1024 * 1024;

afterAll(() => {
  useJs();
});

describe('the shared WebAssembly memory', () => {
  it('stays bounded while a synchronous loop makes and drops models', async () => {
    expect(await useWasm()).toBe(true);
    const rng = createRng(0);
    const x = zeros([1, 1024]);
    // 300 models of 4 MiB of weights each, none kept: 1.2 GB if every block stayed
    for (let i = 0; i < 300; i++) {
      const model = sequential([dense(1024, 1024, { rng })]);
      expect(predict(model, x).shape).toEqual([1, 1024]);
    }
    const rt = getRuntime()!;
    expect(rt.ex.memory.buffer.byteLength).toBeLessThan(512 * MiB);
    // the scratch area (from rt.base up) still has room below the 1 GiB maximum
    expect(rt.base).toBeLessThan(512 * MiB);
  });
});
