// Compiles the AssemblyScript kernels in asm/ and embeds the WebAssembly bytes
// as base64 in src/kernels/wasm/module.generated.ts, so that building and
// testing the library never need the AssemblyScript compiler.
//
//   node scripts/build-wasm.mjs          (npm run build:wasm)
//
// Needs the `assemblyscript` dev dependency. Commit the generated file.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const ascBin = join(dirname(require.resolve('assemblyscript/package.json')), 'bin', 'asc.js');
const source = join(root, 'asm', 'kernels.ts');
const target = join(root, 'src', 'kernels', 'wasm', 'module.generated.ts');
const threadsTarget = join(root, 'src', 'kernels', 'wasm', 'threads', 'module.generated.ts');

/** Compiles asm/kernels.ts with the given feature list and returns the module bytes. */
function compile(features, extra = []) {
  const dir = mkdtempSync(join(tmpdir(), 'myelin-asc-'));
  try {
    const out = join(dir, 'kernels.wasm');
    const args = [
      ascBin,
      source,
      '--outFile',
      out,
      '--enable',
      features,
      '--runtime',
      'stub',
      '--noAssert',
      '-O3',
      '--converge',
      '--initialMemory',
      '1',
      ...extra,
    ];
    const run = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: root });
    if (run.status !== 0) throw new Error(`asc failed (exit ${run.status ?? 'signal'})`);
    return readFileSync(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Two builds of the same source: plain SIMD (the baseline every SIMD engine runs)
// and relaxed SIMD, whose micro-kernel uses f32x4.relaxed_madd (a fused
// multiply-add on x86 with FMA). The loader picks the relaxed one only when
// WebAssembly.validate accepts it.
const simd = compile('simd');
const relaxed = compile('simd,relaxed-simd');
const header = `// GENERATED FILE, do not edit. Produced by scripts/build-wasm.mjs from asm/kernels.ts
// (AssemblyScript: --runtime stub --noAssert -O3 --converge --initialMemory 1, with
// --enable simd, and --enable simd,relaxed-simd for the relaxed build).
// Regenerate with: npm run build:wasm
`;
const body =
  `/** The kernel module built for plain 128-bit SIMD (${simd.length} bytes), base64. */\n` +
  `export const WASM_SIMD_BASE64 =\n  '${simd.toString('base64')}';\n\n` +
  `/** The same module built with relaxed SIMD (${relaxed.length} bytes), base64. */\n` +
  `export const WASM_RELAXED_BASE64 =\n  '${relaxed.toString('base64')}';\n`;
writeFileSync(target, header + '\n' + body);
console.log(`wrote ${target}: simd ${simd.length} bytes, relaxed ${relaxed.length} bytes`);

// The threaded builds (myelin/wasm/threads, a module of their own so that
// myelin/wasm does not carry them): the same source with atomics enabled, the
// memory imported from env.memory and declared shared, so that one instance per
// thread runs on one WebAssembly.Memory. The maximum (4 GiB, the wasm32 limit)
// is only a bound: the JS side creates the memory with a smaller maximum.
const sharedFlags = ['--importMemory', '--sharedMemory', '--maximumMemory', '65536'];
const simdThreads = compile('simd,threads', sharedFlags);
const relaxedThreads = compile('simd,relaxed-simd,threads', sharedFlags);
const threadsHeader = `// GENERATED FILE, do not edit. Produced by scripts/build-wasm.mjs from asm/kernels.ts
// (AssemblyScript: --runtime stub --noAssert -O3 --converge --initialMemory 1
// --importMemory --sharedMemory --maximumMemory 65536, with --enable simd,threads,
// and --enable simd,relaxed-simd,threads for the relaxed build).
// Regenerate with: npm run build:wasm
`;
const threadsBody =
  `/** The kernel module built for SIMD and threads (${simdThreads.length} bytes), base64. */\n` +
  `export const WASM_THREADS_SIMD_BASE64 =\n  '${simdThreads.toString('base64')}';\n\n` +
  `/** The same module built with relaxed SIMD (${relaxedThreads.length} bytes), base64. */\n` +
  `export const WASM_THREADS_RELAXED_BASE64 =\n  '${relaxedThreads.toString('base64')}';\n`;
mkdirSync(dirname(threadsTarget), { recursive: true });
writeFileSync(threadsTarget, threadsHeader + '\n' + threadsBody);
console.log(
  `wrote ${threadsTarget}: simd ${simdThreads.length} bytes, relaxed ${relaxedThreads.length} bytes`,
);
