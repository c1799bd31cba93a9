// Runs one workload for one contender in this process and prints one JSON line.
// A process per contender keeps peak RSS and JIT state from leaking between them.
const [contender, workload, ...rest] = process.argv.slice(2);
const quick = rest.includes('--quick');
const n = Number(rest.find((a) => a.startsWith('--n='))?.slice(4) ?? 0);
const dataDir = rest.find((a) => a.startsWith('--data='))?.slice(7);

// myelin-js, myelin-wasm, myelin-wasm-t2 (2 threads), tfjs-cpu, tfjs-wasm, brain.js, plain-js
const [lib, backend, variant] = contender.split(/[-.]/);
const file = { myelin: 'myelin', tfjs: 'tfjs', brain: 'brain', plain: 'plain-js' }[lib];
const mod = await import(`./contenders/${file}.mjs`);
if (mod.setup) await mod.setup(backend, variant);
const fn = mod[workload];
if (!fn) {
  console.log(JSON.stringify({ skip: true }));
} else {
  const result = await fn({ quick, n, dataDir });
  const threads = mod.threads?.() ?? 1; // kernel threads (TF.js wasm and brain.js: 1 in Node)
  console.log(
    JSON.stringify({ name: contender, workload, ...(n ? { n } : {}), threads, ...result }),
  );
}
