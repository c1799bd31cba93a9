// node bench/profile.mjs <contender> <workload> [--quick] [--root=fit] [--top=25] [--interval=100]
//                        [--callers=put,get] [--lines=train]
// Runs one contender on one workload (bench/worker.mjs) under V8's sampling
// profiler (node --cpu-prof) and prints where the time inside the timed call
// goes: self time by function, counting only samples whose stack contains a
// frame named --root (default `fit`), plus the garbage collector's samples
// taken between the first and the last of those (V8 puts them outside any
// stack). Loading the data is not in that window. The .cpuprofile file stays
// in .tmp/profiles/ for Chrome DevTools or speedscope. --callers lists, for
// the named functions, their self time split by calling function; --lines,
// the named functions' hottest source lines. V8 reports the self time of
// functions it inlined under the caller, at the inlined function's own line
// numbers (in its own file): a hot line that makes no sense in the caller's
// file is inlined code (for example a small helper's loop).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const args = process.argv.slice(2);
const [contender, workload] = args.filter((a) => !a.startsWith('--'));
const opt = (name, fallback) =>
  args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
if (!contender || !workload) {
  console.error('usage: node bench/profile.mjs <contender> <workload> [--quick] [--root=fit]');
  process.exit(2);
}
const rootName = opt('root', 'fit');
const top = Number(opt('top', '25'));
const interval = Number(opt('interval', '100')); // microseconds between samples
const callersOf = opt('callers', '').split(',').filter(Boolean);
const linesOf = opt('lines', '').split(',').filter(Boolean);

const dir = join(root, '.tmp', 'profiles');
mkdirSync(dir, { recursive: true });
const started = Date.now();
const run = spawnSync(
  process.execPath,
  [
    '--cpu-prof',
    `--cpu-prof-dir=${dir}`,
    `--cpu-prof-interval=${interval}`,
    join(here, 'worker.mjs'),
    contender,
    workload,
    ...args.filter((a) => a === '--quick' || a.startsWith('--data=')),
  ],
  { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
);
if (run.status !== 0) process.exit(run.status ?? 1);
console.log(run.stdout.trim());
const file = readdirSync(dir)
  .filter((f) => f.endsWith('.cpuprofile'))
  .map((f) => join(dir, f))
  .filter((f) => statSync(f).mtimeMs >= started)
  .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
if (!file) throw new Error(`no .cpuprofile written to ${dir}`);
const prof = JSON.parse(readFileSync(file, 'utf8'));

const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const under = new Map(); // node id -> whether a frame named rootName is on its stack
const isUnder = (id) => {
  if (under.has(id)) return under.get(id);
  const n = byId.get(id);
  const p = parent.get(id);
  const v = n.callFrame.functionName === rootName || (p !== undefined && isUnder(p));
  under.set(id, v);
  return v;
};

// Sample i lasted timeDeltas[i + 1] (the gap to the next sample).
const { samples, timeDeltas } = prof;
const times = [];
let t = prof.startTime;
for (let i = 0; i < samples.length; i++) times.push((t += timeDeltas[i]));
let first = -1;
let last = -1;
for (let i = 0; i < samples.length; i++)
  if (isUnder(samples[i])) {
    if (first < 0) first = i;
    last = i;
  }
if (first < 0) throw new Error(`no sample has a frame named ${rootName} on its stack`);

// myelin's WebAssembly functions appear as wasm-function[i]: name them from
// the module's export section (the module carries no name section).
const wasmNames = new Map();
try {
  const { WASM_SIMD_BASE64 } = await import('../dist/kernels/wasm/module.generated.js');
  const bytes = Buffer.from(WASM_SIMD_BASE64, 'base64');
  let p = 8;
  const leb = () => {
    let v = 0;
    let shift = 0;
    let b;
    do {
      b = bytes[p++];
      v |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    return v >>> 0;
  };
  while (p < bytes.length) {
    const id = bytes[p++];
    const size = leb();
    const end = p + size;
    if (id === 7) {
      for (let n = leb(); n > 0; n--) {
        const len = leb();
        const name = bytes.subarray(p, p + len).toString('utf8');
        p += len;
        const kind = bytes[p++];
        const index = leb();
        if (kind === 0) wasmNames.set(`wasm-function[${index}]`, `${name} (wasm)`);
      }
    }
    p = end;
  }
} catch {
  // no dist/ build or another layout: leave the indices as they are
}

const self = new Map();
const byCaller = new Map();
const label = (id) => {
  const n = byId.get(id);
  const name = wasmNames.get(n.callFrame.functionName) ?? n.callFrame.functionName;
  const url = n.callFrame.url.replace(/^file:\/\//, '');
  return `${name || '(anonymous)'}${url ? ` ${relative(root, url)}:${n.callFrame.lineNumber + 1}` : ''}`;
};
let total = 0;
for (let i = first; i <= last; i++) {
  const n = byId.get(samples[i]);
  const name = wasmNames.get(n.callFrame.functionName) ?? n.callFrame.functionName;
  const counted = isUnder(samples[i]) || name === '(garbage collector)';
  if (!counted) continue;
  const dt = (timeDeltas[i + 1] ?? 0) / 1000; // ms
  const url = n.callFrame.url.replace(/^file:\/\//, '');
  const where = url ? `${relative(root, url)}:${n.callFrame.lineNumber + 1}` : '';
  const key = `${name || '(anonymous)'}\t${where}`;
  self.set(key, (self.get(key) ?? 0) + dt);
  if (callersOf.includes(name)) {
    const p = parent.get(samples[i]);
    const k = `${name} <- ${p === undefined ? '(root)' : label(p)}`;
    byCaller.set(k, (byCaller.get(k) ?? 0) + dt);
  }
  total += dt;
}
const window = (times[last] - times[first]) / 1000;
console.log(
  `\n${relative(root, file)}\nsamples under ${rootName}() plus GC in its window: ${total.toFixed(0)} ms of a ${window.toFixed(0)} ms window\n`,
);
console.log('| self ms | share | function | where |');
console.log('|---:|---:|---|---|');
for (const [key, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  const [name, where] = key.split('\t');
  console.log(`| ${ms.toFixed(0)} | ${((100 * ms) / total).toFixed(1)}% | ${name} | ${where} |`);
}
if (byCaller.size > 0) {
  console.log('\n| self ms | share | function <- caller |\n|---:|---:|---|');
  for (const [k, ms] of [...byCaller].sort((a, b) => b[1] - a[1]))
    console.log(`| ${ms.toFixed(0)} | ${((100 * ms) / total).toFixed(1)}% | ${k} |`);
}
for (const fnName of linesOf) {
  const ticks = new Map();
  let sum = 0;
  for (const n of prof.nodes) {
    if (n.callFrame.functionName !== fnName || !isUnder(n.id)) continue;
    for (const { line, ticks: k } of n.positionTicks ?? []) {
      ticks.set(line, (ticks.get(line) ?? 0) + k);
      sum += k;
    }
  }
  if (sum === 0) continue;
  console.log(`\n| ticks | share of ${fnName}'s self time | line |\n|---:|---:|---:|`);
  for (const [line, k] of [...ticks].sort((a, b) => b[1] - a[1]).slice(0, 10))
    console.log(`| ${k} | ${((100 * k) / sum).toFixed(1)}% | ${line} |`);
}
