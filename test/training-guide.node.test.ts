/// <reference types="node" />
// docs/training.md, checked against the code: every ```ts block type-checks
// under the repository's compiler options and runs as written, and what the
// page states as fact (defaults, where validationSplit takes its rows, the
// order of the callbacks' hooks, the History's fields, the resume and abort
// examples' results) is what fit does.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  adam,
  createRng,
  crossEntropy,
  dense,
  evaluate,
  fit,
  meanAbsoluteErrorMetric,
  mse,
  predict,
  r2Metric,
  sequential,
  sgd,
  snapshotWeights,
  tanh,
  type Callback,
  type History,
} from '../src/index.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const md = readFileSync(join(root, 'docs/training.md'), 'utf8');
/** The page with every run of white space made one space. */
const text = md.replace(/\s+/g, ' ');

/** The page's top-level ```ts blocks. */
function tsBlocks(): string[] {
  const found: string[] = [];
  let open: string[] | null = null;
  for (const line of md.split('\n')) {
    if (open === null) {
      if (/^```ts\s*$/.test(line)) open = [];
    } else if (/^```\s*$/.test(line)) {
      found.push(open.join('\n') + '\n');
      open = null;
    } else open.push(line);
  }
  return found;
}

describe('docs/training.md code', () => {
  const blocks = tsBlocks();
  const dir = join(root, '.tmp', 'training-guide');

  it('has self-contained blocks only (each starts with its imports)', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(10);
    for (const b of blocks) expect(b.trimStart()).toMatch(/^import\b/);
  });

  it('type-checks and runs every block as written', async () => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    // As written, for tsc (tsconfig paths map 'myelin' and its subpaths to src/) ...
    const names = blocks.map((code, i) => {
      const name = `block-${i + 1}.ts`;
      writeFileSync(join(dir, name), `${code}\nexport {};\n`);
      return name;
    });
    // ... and with those imports pointing at src/ for tsx, which runs them from a scratch folder.
    const subpath = (p: string): string =>
      p === 'wasm'
        ? 'kernels/wasm/node.ts'
        : p === 'wasm/threads'
          ? 'kernels/wasm/threads/node.ts'
          : `${p}/index.ts`;
    const runs = blocks.map((code, i) => {
      const name = `run-${i + 1}.ts`;
      const mapped = code.replace(/from '(myelin(?:\/[\w/]+)?)'/g, (_, spec: string) =>
        spec === 'myelin'
          ? `from ${JSON.stringify(join(root, 'src/index.ts'))}`
          : `from ${JSON.stringify(join(root, 'src', subpath(spec.slice('myelin/'.length))))}`,
      );
      writeFileSync(join(dir, name), `${mapped}\nexport {};\n`);
      return name;
    });
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        extends: '../../tsconfig.json',
        compilerOptions: { noUnusedLocals: false, types: ['node'] },
        include: names,
      }),
    );
    // One process imports the blocks in turn, from a scratch folder: some blocks write files.
    writeFileSync(
      join(dir, '_runner.ts'),
      `import { pathToFileURL } from 'node:url';
const results: Record<string, string | null> = {};
for (const name of ${JSON.stringify(runs)}) {
  try {
    await import(pathToFileURL(${JSON.stringify(dir)} + '/' + name).href);
    results[name] = null;
  } catch (e) {
    results[name] = e instanceof Error ? (e.stack ?? e.message) : String(e);
  }
}
process.stdout.write('\\n@@RESULTS@@' + JSON.stringify(results) + '\\n');
process.exit(0);
`,
    );
    const cwd = mkdtempSync(join(tmpdir(), 'myelin-training-guide-'));
    try {
      const tsc = run(
        process.execPath,
        [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')],
        { cwd: root, encoding: 'utf8', timeout: 180_000 },
      ).then(
        () => [] as string[],
        (e: unknown) =>
          ((e as { stdout?: string }).stdout ?? String(e))
            .split('\n')
            .filter((l) => l.trim() !== ''),
      );
      const tsx = run(
        process.execPath,
        [join(root, 'node_modules/tsx/dist/cli.mjs'), join(dir, '_runner.ts')],
        { cwd, encoding: 'utf8', timeout: 180_000, maxBuffer: 64 * 1024 * 1024 },
      );
      const [typeErrors, { stdout }] = await Promise.all([tsc, tsx]);
      expect(typeErrors, 'type errors in the blocks').toEqual([]);
      const line = stdout.split('\n').find((l) => l.startsWith('@@RESULTS@@'));
      expect(line, 'runner output').toBeDefined();
      const results = JSON.parse(line!.slice('@@RESULTS@@'.length)) as Record<
        string,
        string | null
      >;
      expect(Object.keys(results).sort()).toEqual([...runs].sort());
      const failed = Object.entries(results)
        .filter(([, err]) => err !== null)
        .map(([name, err]) => `${name}: ${err!.split('\n').slice(0, 2).join(' | ')}`);
      expect(failed, 'blocks that threw').toEqual([]);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  }, 240_000);
});

describe('docs/training.md facts', () => {
  const x = Array.from({ length: 70 }, (_, i) => [i / 70, Math.sin(i)]);
  const y = x.map(([a, b]) => [a! * b!]);
  const model = (seed: number) => {
    const rng = createRng(seed);
    return {
      rng,
      model: sequential([dense(2, 4, { activation: tanh, rng }), dense(4, 1, { rng })]),
    };
  };

  it('states the defaults of epochs and batchSize', async () => {
    expect(text).toContain('`epochs` (default 1)');
    expect(text).toContain('`batchSize` (default 32');
    const { model: m, rng } = model(0);
    const history = await fit(m, x, y, { loss: mse, optimizer: sgd(), rng });
    // one epoch of ⌈70 / 32⌉ = 3 batches
    expect(history.epoch).toEqual([0]);
    expect(history.steps).toBe(3);
  });

  it('validates on the LAST rows with validationSplit, taken before shuffling', async () => {
    expect(text).toContain(
      '`validationSplit: 0.2` holds out the **last** 20% of the rows of `x` and `y`, taken **before** any shuffling',
    );
    // Labels sorted by class, as iris: 0.2 of 150 rows are rows 120..149, all class 2.
    const labels = Array.from({ length: 150 }, (_, i) => Math.floor(i / 50));
    const rng = createRng(1);
    const rows = labels.map((c) => [c + rng.normal(), c - rng.normal()]);
    const m = sequential([dense(2, 3, { rng })]);
    const history = await fit(m, rows, labels, {
      loss: crossEntropy,
      optimizer: adam({ learningRate: 0.05 }),
      epochs: 1,
      validationSplit: 0.2,
      rng,
    });
    // After one epoch the validation loss is the model's loss on the last 30 rows exactly,
    // and not on any other 30 (the first 30, all class 0, give another value).
    const last = evaluate(m, rows.slice(120), labels.slice(120), { loss: crossEntropy });
    const first = evaluate(m, rows.slice(0, 30), labels.slice(0, 30), { loss: crossEntropy });
    expect(history.valLoss![0]).toBeCloseTo(last.loss, 6);
    expect(Math.abs(history.valLoss![0]! - first.loss)).toBeGreaterThan(0.01);
    expect(new Set(labels.slice(120))).toEqual(new Set([2]));
    expect(labels.slice(0, 120).filter((c) => c === 2)).toHaveLength(20);
    expect(text).toContain(
      'validates on the last 30 rows, all virginica, and trains on the other 120, of which only 20 are virginica',
    );
  });

  it('calls the hooks in the order the page gives, and refuses a hook fit never calls', async () => {
    expect(text).toContain(
      '`onTrainBegin`, then per epoch `onEpochBegin`, `onBatchEnd` after every step and `onEpochEnd` after validation, and `onTrainEnd`',
    );
    const calls: string[] = [];
    const record: Callback = {
      onTrainBegin: () => void calls.push('trainBegin'),
      onEpochBegin: () => void calls.push('epochBegin'),
      onBatchEnd: () => void calls.push('batchEnd'),
      onEpochEnd: (ctx) =>
        void calls.push(`epochEnd ${ctx.logs.valLoss === undefined ? '-' : 'val'}`),
      onTrainEnd: () => void calls.push('trainEnd'),
    };
    const { model: m, rng } = model(2);
    await fit(m, x, y, {
      loss: mse,
      optimizer: sgd(),
      epochs: 2,
      batchSize: 35,
      validationData: [x, y],
      callbacks: [record],
      rng,
    });
    expect(calls).toEqual([
      'trainBegin',
      'epochBegin',
      'batchEnd',
      'batchEnd',
      'epochEnd val',
      'epochBegin',
      'batchEnd',
      'batchEnd',
      'epochEnd val',
      'trainEnd',
    ]);
    expect(text).toContain(
      "A method named like a hook fit does not call (Keras's `onBatchBegin`) is refused",
    );
    const wrong = { onBatchBegin: () => undefined } as Callback;
    await expect(
      fit(model(3).model, x, y, { loss: mse, optimizer: sgd(), callbacks: [wrong] }),
    ).rejects.toThrow(/onBatchBegin is not a hook fit calls/);
  });

  it('refuses clipping given to both fit and its optimizer, as the page says', async () => {
    expect(text).toContain('fit refuses clipping given to both fit and its optimizer');
    await expect(
      fit(model(4).model, x, y, { loss: mse, optimizer: sgd({ clipNorm: 1 }), clipNorm: 1 }),
    ).rejects.toThrow(/it would clip twice/);
  });

  it('lists the fields of the History in its table', async () => {
    const table = md.split('## What `fit` returns')[1]!.split('\n## ')[0]!;
    const listed = [...table.matchAll(/^\| ([^|]+)\|/gm)]
      .flatMap((m) => [...m[1]!.matchAll(/`(\w+)`/g)].map((n) => n[1]!))
      .sort();
    const { model: m, rng } = model(5);
    const history: History = await fit(m, x, y, {
      loss: mse,
      optimizer: adam(),
      epochs: 3,
      validationData: [x, y],
      metrics: [r2Metric],
      callbacks: [
        {
          onEpochEnd: (ctx) => {
            ctx.stop();
          },
        },
      ],
      rng,
    });
    expect(history.stopped).toBe('callback');
    expect(listed).toEqual(Object.keys(history).sort());
  });

  it('resumes with initialEpoch on exactly the weights of one longer run', async () => {
    const once = model(6);
    await fit(once.model, x, y, {
      loss: mse,
      optimizer: adam(),
      epochs: 4,
      batchSize: 8,
      rng: once.rng,
    });
    const twice = model(6);
    const optimizer = adam();
    await fit(twice.model, x, y, { loss: mse, optimizer, epochs: 2, batchSize: 8, rng: twice.rng });
    const rest = await fit(twice.model, x, y, {
      loss: mse,
      optimizer,
      epochs: 4,
      initialEpoch: 2,
      batchSize: 8,
      rng: twice.rng,
    });
    expect(rest.epoch).toEqual([2, 3]);
    expect(snapshotWeights(twice.model)).toEqual(snapshotWeights(once.model));
  });

  it("stops on an abort between epochs with the page's numbers", async () => {
    expect(text).toContain(
      "console.log(history.stopped, history.epoch, history.steps); // 'aborted' [0, 1, 2] 24",
    );
    // 256 rows in batches of 32: 8 steps per epoch; aborted at the end of epoch 2.
    const rows = Array.from({ length: 256 }, (_, i) => [i / 256]);
    const controller = new AbortController();
    const history = await fit(sequential([dense(1, 1)]), rows, rows, {
      loss: mse,
      optimizer: adam(),
      epochs: 50,
      signal: controller.signal,
      callbacks: [
        {
          onEpochEnd(ctx) {
            if (ctx.epoch === 2) controller.abort();
          },
        },
      ],
    });
    expect([history.stopped, history.epoch, history.steps]).toEqual(['aborted', [0, 1, 2], 24]);
  });

  it("gives evaluate's and predict's example results", () => {
    expect(text).toContain('// { loss: 0.5, metrics: { meanAbsoluteError: 0.5 } }: errors 0 and 1');
    // y = 2x on [1], [2]: predictions 2 and 4, targets 2 and 5, errors 0 and 1:
    // mse (0 + 1)/2 = 0.5, mae (0 + 1)/2 = 0.5.
    const m = sequential([dense(1, 1, { kernel: [[2]], bias: [0] })]);
    expect(predict(m, [[1], [2]]).toArray()).toEqual([[2], [4]]);
    expect(
      evaluate(m, [[1], [2]], [[2], [5]], { loss: mse, metrics: [meanAbsoluteErrorMetric] }),
    ).toEqual({ loss: 0.5, metrics: { meanAbsoluteError: 0.5 } });
    expect(r2Metric.name).toBe('r2Score');
  });

  it('points to the API reference where typedoc writes it', () => {
    const typedoc = JSON.parse(readFileSync(join(root, 'typedoc.json'), 'utf8')) as {
      out: string;
      entryPoints: string[];
    };
    expect(typedoc.out).toBe('docs/api');
    expect(typedoc.entryPoints).toContain('src/training/index.ts');
    const scripts = (
      JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    expect(scripts.docs).toBe('typedoc');
    expect(text).toContain('`npm run docs` renders as HTML into `docs/api/`');
  });
});
