// npm run bench [-- --quick] [-- --data DIR] [-- --only W1,W2s,W4] [-- --n=128,256]
//               [-- --contenders=tfjs-wasm,myelin-wasm] [-- --merge]
// --n and --contenders narrow the plan (to rerun rows that ran under load);
// --merge replaces those rows in the existing bench/results/latest.json and
// keeps the others, so the saved table stays complete.
// Runs myelin (JS and WebAssembly kernels) and its peers side by side on the
// same workloads, one process per contender, prints a markdown table with the
// ratios myelin/peer, and writes bench/results/latest.json (a --quick run, or a
// partial one without --merge, writes bench/results/last-run.json instead).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Every workload, in the order they run (bench/README.md defines each).
const WORKLOADS = ['W1', 'W2', 'W2s', 'W2b', 'W3', 'W4', 'W6', 'W6i', 'W6g', 'W7', 'W7i'];
// The training workloads, all on Fashion-MNIST.
const FASHION = ['W2', 'W2s', 'W2b', 'W4'];
// The CNN workloads (W5 training; W5i inference, where TF.js's wasm backend runs too).
WORKLOADS.push('W5', 'W5i');
FASHION.push('W5', 'W5i');

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const dataArg = args.find((a) => a.startsWith('--data'));
const dataDir = dataArg?.includes('=')
  ? dataArg.split('=')[1]
  : dataArg
    ? args[args.indexOf(dataArg) + 1]
    : undefined;
const onlyArg = args.find((a) => a.startsWith('--only'));
const only = onlyArg
  ? (onlyArg.includes('=') ? onlyArg.split('=')[1] : args[args.indexOf(onlyArg) + 1]).split(',')
  : WORKLOADS;
const listArg = (name) =>
  args
    .find((a) => a.startsWith(`--${name}=`))
    ?.slice(name.length + 3)
    .split(',');
const sizes = listArg('n')?.map(Number);
const contenders = listArg('contenders');
const merge = args.includes('--merge');
const unknown = only.filter((w) => !WORKLOADS.includes(w));
if (unknown.length > 0) {
  console.error(`unknown workload ${unknown.join(', ')}: expected some of ${WORKLOADS.join(', ')}`);
  process.exit(2);
}

if (!existsSync(join(here, 'node_modules', '@tensorflow', 'tfjs'))) {
  console.error('Installing the peers into bench/node_modules (once)...');
  execFileSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: here, stdio: 'inherit' });
}
if (!existsSync(join(root, 'dist', 'index.js'))) {
  console.error('Building myelin (dist/ is missing)...');
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
}
const fashion = dataDir ?? '/usr/share/datasets/fashion-mnist';
if (
  only.some((w) => FASHION.includes(w)) &&
  !existsSync(join(fashion, 'train-images-idx3-ubyte.gz')) &&
  !existsSync(join(fashion, 'train-images-idx3-ubyte'))
) {
  console.error(
    `Fashion-MNIST not found in ${fashion} (apt-get install -y dataset-fashion-mnist, or pass --data DIR): the training workloads use synthetic data of the same shape, so their accuracy means nothing.`,
  );
}

const plan = [];
// myelin's WebAssembly kernels on 2 threads (myelin/wasm/threads): W1, W2, W5, and W3
// (a 3-4-2 prediction, which must not get slower). The thread rows alone:
// npm run bench -- --only W1,W2,W3,W5 --n=512,1024 --contenders=myelin-wasm,myelin-wasm-t2
const T2 = 'myelin-wasm-t2';
if (only.includes('W1')) {
  for (const n of quick ? [256, 512] : [128, 256, 512, 1024]) {
    for (const c of ['plain-js', 'tfjs-cpu', 'tfjs-wasm', 'myelin-js', 'myelin-wasm', T2]) {
      if (c === 'plain-js' && n > 512) continue; // minutes per run at n = 1024; the trend is clear by 512
      plan.push([c, 'W1', `--n=${n}`]);
    }
  }
}
if (only.includes('W2'))
  for (const c of ['brain.js', 'tfjs-cpu', 'tfjs-wasm', 'myelin-js', 'myelin-wasm', T2])
    plan.push([c, 'W2']);
// W2s (batch 8) and W2b (dropout + L2): the mini-batch trainers only; brain.js
// trains per sample with neither dropout nor a kernel penalty.
for (const w of ['W2s', 'W2b'])
  if (only.includes(w))
    for (const c of ['tfjs-cpu', 'tfjs-wasm', 'myelin-js', 'myelin-wasm']) plan.push([c, w]);
if (only.includes('W3'))
  for (const c of ['plain-js', 'brain.js', 'tfjs-cpu', 'tfjs-wasm', 'myelin-js', 'myelin-wasm', T2])
    plan.push([c, 'W3']);
if (only.includes('W4'))
  for (const c of ['tfjs-cpu', 'tfjs-wasm', 'myelin-js', 'myelin-wasm']) plan.push([c, 'W4']);
// W5: TF.js's wasm backend cannot train the CNN (no Conv2DBackpropFilter kernel), so no row.
if (only.includes('W5'))
  for (const c of ['tfjs-cpu', 'myelin-js', 'myelin-wasm', T2]) plan.push([c, 'W5']);
if (only.includes('W5i'))
  for (const c of ['tfjs-cpu', 'tfjs-wasm', 'myelin-js', 'myelin-wasm']) plan.push([c, 'W5i']);

// W6 (LSTM training), W6i (one-sequence predict), W6g (W6 with a GRU; brain.js's GRUTimeStep is not run).
for (const w of ['W6', 'W6i', 'W6g'])
  if (only.includes(w))
    for (const c of ['brain.js', 'tfjs-cpu', 'tfjs-wasm', 'myelin-js', 'myelin-wasm'])
      if (!(w === 'W6g' && c === 'brain.js')) plan.push([c, w]);

// W7 (transformer encoder block training), W7i (one-sequence predict); TF.js's block is built by hand from tf ops (it has no attention layer).
for (const w of ['W7', 'W7i'])
  if (only.includes(w))
    for (const c of ['tfjs-cpu', 'tfjs-wasm', 'myelin-js', 'myelin-wasm']) plan.push([c, w]);

const wanted = ([c, , ...extra]) =>
  (contenders === undefined || contenders.includes(c)) &&
  (sizes === undefined || extra.length === 0 || sizes.includes(Number(extra[0].slice(4))));
plan.splice(0, plan.length, ...plan.filter(wanted));

const results = [];
for (const [contender, workload, ...extra] of plan) {
  const label = `${workload} ${contender} ${extra.join(' ')}`.trim();
  // The 1-minute load average before the row: on a shared machine, a row run
  // under load (well above 1 on 2 cores: the row itself is 1) is noisy and worth rerunning alone.
  const load = Number(loadavg()[0].toFixed(2));
  process.stderr.write(`${label} (load ${load}) ... `);
  const r = spawnSync(
    process.execPath,
    [
      join(here, 'worker.mjs'),
      contender,
      workload,
      ...extra,
      ...(quick ? ['--quick'] : []),
      ...(dataDir ? [`--data=${dataDir}`] : []),
    ],
    { encoding: 'utf8', maxBuffer: 1 << 24 },
  );
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    const res = JSON.parse(line);
    if (res.skip) {
      process.stderr.write('skipped\n');
      continue;
    }
    results.push({ ...res, load });
    process.stderr.write(
      `${fmt(res.median)} ${res.unit}${res.accuracy !== undefined ? `, accuracy ${res.accuracy.toFixed(3)}` : ''}${res.mseAfter !== undefined ? `, eval MSE ${res.mseBefore.toFixed(3)} -> ${res.mseAfter.toFixed(4)}` : ''}${res.cpuMedian !== undefined ? ` (by CPU time ${fmt(res.cpuMedian)})` : ''}\n`,
    );
  } catch {
    process.stderr.write(`failed\n${r.stderr.slice(-2000)}\n`);
    results.push({
      name: contender,
      workload,
      ...(extra.length ? { n: Number(extra[0].slice(4)) } : {}),
      error: (r.stderr || 'no output').trim().split('\n').slice(-3).join(' '),
    });
  }
}

function fmt(v) {
  if (v === undefined || Number.isNaN(v)) return '-';
  if (v >= 100) return Math.round(v).toLocaleString('en-US');
  return v.toPrecision(3);
}

const sameRow = (a, b) =>
  a.name === b.name && a.workload === b.workload && (a.n ?? 0) === (b.n ?? 0);
if (merge && existsSync(join(here, 'results', 'latest.json'))) {
  const old = JSON.parse(readFileSync(join(here, 'results', 'latest.json'), 'utf8'));
  const merged = old.results.map((r) => results.find((n) => sameRow(n, r)) ?? r);
  for (const r of results) if (!merged.some((m) => sameRow(m, r))) merged.push(r);
  results.splice(0, results.length, ...merged);
}

const mine = ['myelin-js', 'myelin-wasm', T2];
const lines = [];
const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
lines.push(
  `myelin benchmark, ${new Date().toISOString().slice(0, 10)}, ${machine}${quick ? ' (quick)' : ''}`,
  '',
);
// Rows in the order of WORKLOADS (a --merge appends rows new to the file at the end).
const order = (r) => WORKLOADS.indexOf(r.workload) * 1e6 + (r.n ?? 0);
results.sort((a, b) => order(a) - order(b));
const groups = new Map();
for (const r of results) {
  const key = `${r.workload}${r.n ? ` n=${r.n}` : ''}`;
  if (!groups.has(key)) groups.set(key, []);
  groups.get(key).push(r);
}
lines.push(
  '| workload | contender | threads | median | min | max | unit | accuracy | peak RSS MB | myelin-js / it | myelin-wasm / it |',
  '|---|---|---|---|---|---|---|---|---|---|---|',
);
for (const [key, rs] of groups) {
  const js = rs.find((r) => r.name === 'myelin-js');
  const wasm = rs.find((r) => r.name === 'myelin-wasm');
  for (const r of rs) {
    const ratio = (m) =>
      m && !m.error && !r.error && !mine.includes(r.name)
        ? `${(m.median / r.median).toFixed(2)}x`
        : '';
    lines.push(
      `| ${key} | ${r.name} | ${r.threads ?? 1} | ${r.error ? `error: ${r.error.slice(0, 60)}` : fmt(r.median)} | ${fmt(r.min)} | ${fmt(r.max)} | ${r.unit ?? ''} | ${r.accuracy?.toFixed(3) ?? (r.mseAfter !== undefined ? `MSE ${r.mseBefore.toFixed(3)} -> ${r.mseAfter.toFixed(4)}` : '')} | ${r.peakRssMb?.toFixed(0) ?? ''} | ${ratio(js)} | ${ratio(wasm)} |`,
    );
  }
}
// W2b's cost: its samples/s over plain W2's, contender by contender (same backend).
const w2bLines = [];
for (const r of results) {
  if (r.workload !== 'W2b' || r.error) continue;
  const plain = results.find((p) => p.workload === 'W2' && p.name === r.name && !p.error);
  if (plain) w2bLines.push(`| ${r.name} | ${(r.median / plain.median).toFixed(2)} |`);
}
if (w2bLines.length > 0)
  lines.push(
    '',
    'W2b (dropout + L2) samples/s over plain W2 samples/s, same contender:',
    '',
    '| contender | W2b / W2 |',
    '|---|---|',
    ...w2bLines,
  );
// Threads: myelin-wasm on 2 threads over the same on 1, workload by workload (same run).
const threadLines = [];
for (const r of results) {
  if (r.name !== T2 || r.error) continue;
  const one = results.find((p) => sameRow(p, { ...r, name: 'myelin-wasm' }) && !p.error);
  if (one) {
    const key = `${r.workload}${r.n ? ` n=${r.n}` : ''}`;
    threadLines.push(`| ${key} | ${r.threads} | ${(r.median / one.median).toFixed(2)}x |`);
  }
}
if (threadLines.length > 0)
  lines.push(
    '',
    'myelin-wasm on several threads over one thread, same run:',
    '',
    '| workload | threads | speedup |',
    '|---|---|---|',
    ...threadLines,
  );
const table = lines.join('\n');
console.log(table);
mkdirSync(join(here, 'results'), { recursive: true });
// The saved table (latest.*) stays complete and full-length: a quick run, or a
// partial one without --merge, goes to last-run.* (not committed) instead.
const partial = onlyArg !== undefined || sizes !== undefined || contenders !== undefined;
const out = !quick && (merge || !partial) ? 'latest' : 'last-run';
writeFileSync(
  join(here, 'results', `${out}.json`),
  JSON.stringify({ date: new Date().toISOString(), machine, quick, results }, null, 2) + '\n',
);
writeFileSync(join(here, 'results', `${out}.md`), table + '\n');
console.error(`\nwrote bench/results/${out}.json and bench/results/${out}.md`);
