/// <reference types="node" />
// What README.md and the pages of docs/ state as fact, checked against the code:
// every self-contained ```ts block of those pages runs as written, the error
// messages they quote are the ones thrown (read from the page itself, so a
// reworded message or a reworded page fails here), and the defaults, counts and
// worked examples they give are the ones the code has. (The README quick start,
// the op count and docs/custom-layers.md's example are pinned by
// test/readme.node.test.ts and test/engine/custom-layer-doc.test.ts.)
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  adagrad,
  adam,
  adamw,
  alphaBetaRule,
  avgPool2d,
  chunk,
  conv2d,
  conv2dTranspose,
  createRng,
  dense,
  embedding,
  flatten,
  fromJSON,
  gammaRule,
  getLimits,
  heUniform,
  input,
  integratedGradients,
  lrp,
  lstm,
  maxPool2d,
  norm,
  occlusion,
  ones,
  parseIdx,
  predict,
  reshape,
  rmsprop,
  saliency,
  sequential,
  sgd,
  sigmoid,
  standardScaler,
  stratifiedKFold,
  tensor,
  tile,
  toJSON,
  upSampling2d,
  zeros,
  add,
  arange,
} from '../src/index.js';
import { toOnnx } from '../src/onnx/index.js';
import { MAX_THREADS } from '../src/kernels/wasm/threads/runtime.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));

/** A page's text with every run of white space (line breaks included) made one space. */
function page(path: string): string {
  return readFileSync(join(root, path), 'utf8').replace(/\s+/g, ' ');
}

/** The message `f` rejects with (the test fails when it resolves). */
async function rejected(f: () => Promise<unknown>): Promise<string> {
  try {
    await f();
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  throw new Error('expected a rejection');
}

/** The message `f` throws (the test fails when it does not throw). */
function thrown(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  throw new Error('expected a throw');
}

/**
 * Whether a message matches a page's quotation of it: the quotation's parts
 * between "..." appear in the message in order, the first at its start and, when
 * the quotation does not end in "...", the last at its end.
 */
function quotes(message: string, quotation: string): boolean {
  const parts = quotation.split('...');
  let at = 0;
  for (const [i, part] of parts.entries()) {
    if (part === '') continue;
    const found = i === 0 ? (message.startsWith(part) ? 0 : -1) : message.indexOf(part, at);
    if (found < 0) return false;
    at = found + part.length;
  }
  return parts.at(-1) === '' || at === message.length;
}

/** The one `code` span of a page that starts with `start`. */
function codeSpan(text: string, start: string): string {
  const spans = [...text.matchAll(/`([^`]+)`/g)]
    .map((m) => m[1]!)
    .filter((s) => s.startsWith(start));
  expect(spans, `one \`${start}...\` on the page`).toHaveLength(1);
  return spans[0]!;
}

/** A markdown page's top-level fenced blocks: their language tag ('' for none) and text. */
function fences(md: string): { lang: string; code: string }[] {
  const found: { lang: string; code: string }[] = [];
  let open: { lang: string; lines: string[] } | null = null;
  for (const line of md.split('\n')) {
    if (open === null) {
      const m = /^```(\w*)\s*$/.exec(line);
      if (m !== null) open = { lang: m[1]!, lines: [] };
    } else if (/^```\s*$/.test(line)) {
      found.push({ lang: open.lang, code: open.lines.join('\n') + '\n' });
      open = null;
    } else open.lines.push(line);
  }
  return found;
}

/** The lines of the page's unlabelled fenced block that contains `needle`. */
function fencedLines(path: string, needle: string): string[] {
  const md = readFileSync(join(root, path), 'utf8');
  const block = fences(md).find((b) => b.lang === '' && b.code.includes(needle));
  expect(block, `a fenced block with "${needle}" in ${path}`).toBeDefined();
  return block!.code.split('\n').filter((l) => l.trim() !== '');
}

describe('the code blocks of README.md and docs/', () => {
  // The pages whose ```ts blocks this test runs (the other pages have their own tests).
  const pages = [
    'README.md',
    'docs/cnn.md',
    'docs/data.md',
    'docs/explain.md',
    'docs/interop.md',
    'docs/model-format.md',
    'docs/pooling.md',
    'docs/recurrent.md',
    'docs/sequences.md',
    'docs/threads.md',
    'docs/transfer-learning.md',
  ];
  // Blocks that start with an import but continue a page (a variable from an
  // earlier block or the prose) or read a file the reader brings: not run. Each
  // key must match exactly one block, so this list cannot go stale.
  const fragments: Record<string, string> = {
    'model.forward(xBatch': 'README: `model`, `xBatch`, `labels` from the text',
    "from 'myelin/explain'": 'explain.md: `model`, `images` of your own',
    "readFileSync('net.onnx')": 'interop.md: a file exported from PyTorch',
    "readFileSync('model/model.json'": 'interop.md: a TF.js model on disk',
    "readFileSync('model.safetensors')": 'interop.md: a PyTorch state dict on disk',
    "await saveModel('model.json', model": 'model-format.md: `model` of the block above',
    'scaleLayer(config.width': 'model-format.md: `json`, `scaleLayer`, `halfL2` of your own',
    'await fit(model, x, y, { loss: mse': 'recurrent.md: `x`, `y` of your own',
    'weightIh: state.weight_ih_l0': 'recurrent.md: a PyTorch state dict',
    'extractFeatures(fromJSON(toJSON(pretrained))': 'transfer-learning.md: `pretrained`, `x`, `y`',
  };
  // The quick start is pinned (and slow): recognised by its own comment.
  const quickStart = 'runs repeat exactly';

  const subpath = (p: string): string =>
    p === 'wasm'
      ? 'kernels/wasm/node.ts'
      : p === 'wasm/threads'
        ? 'kernels/wasm/threads/node.ts'
        : `${p}/index.ts`;
  const blocks = pages.flatMap((path) => {
    const md = readFileSync(join(root, path), 'utf8');
    return fences(md)
      .filter((f) => f.lang === 'ts')
      .map((f, i) => ({ path, index: i + 1, code: f.code }))
      .filter((b) => /^import\b/.test(b.code.trimStart()));
  });

  it('knows every fragment it skips', () => {
    for (const key of Object.keys(fragments)) {
      expect(
        blocks.filter((b) => b.code.includes(key)).map((b) => `${b.path} #${b.index}`),
        key,
      ).toHaveLength(1);
    }
    expect(blocks.filter((b) => b.code.includes(quickStart))).toHaveLength(1);
  });

  it('runs every self-contained block as written', async () => {
    const runnable = blocks.filter(
      (b) =>
        !b.code.includes(quickStart) &&
        !Object.keys(fragments).some((k) => b.code.includes(k)) &&
        // The IDX block reads Fashion-MNIST where Debian's package installed it.
        (!b.code.includes('/usr/share/datasets/fashion-mnist') ||
          existsSync('/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz')),
    );
    expect(runnable.length).toBeGreaterThanOrEqual(12);
    const dir = join(root, '.tmp', 'docs-claims');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    const names: string[] = [];
    for (const b of runnable) {
      const name = `${b.path.replace(/\W+/g, '-')}-${b.index}.ts`;
      // 'myelin' and 'myelin/<subpath>' as the package maps them, to src/.
      const code = b.code.replace(/from '(myelin(?:\/[\w/]+)?)'/g, (_, spec: string) =>
        spec === 'myelin'
          ? `from ${JSON.stringify(join(root, 'src/index.ts'))}`
          : `from ${JSON.stringify(join(root, 'src', subpath(spec.slice('myelin/'.length))))}`,
      );
      writeFileSync(join(dir, name), `${code}\nexport {};\n`);
      names.push(name);
    }
    // One process imports the blocks in turn; it runs in a scratch folder, since
    // some blocks write files (model.onnx).
    writeFileSync(
      join(dir, '_runner.ts'),
      `import { pathToFileURL } from 'node:url';
const results: Record<string, string | null> = {};
for (const name of ${JSON.stringify(names)}) {
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
    const cwd = mkdtempSync(join(tmpdir(), 'myelin-docs-'));
    try {
      const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
      const { stdout } = await run(process.execPath, [tsx, join(dir, '_runner.ts')], {
        cwd,
        encoding: 'utf8',
        timeout: 180_000,
        maxBuffer: 64 * 1024 * 1024,
      });
      const line = stdout.split('\n').find((l) => l.startsWith('@@RESULTS@@'));
      expect(line, 'runner output').toBeDefined();
      const results = JSON.parse(line!.slice('@@RESULTS@@'.length)) as Record<
        string,
        string | null
      >;
      expect(Object.keys(results).sort()).toEqual([...names].sort());
      const failed = Object.entries(results)
        .filter(([, err]) => err !== null)
        .map(([name, err]) => `${name}: ${err!.split('\n').slice(0, 2).join(' | ')}`);
      expect(failed, 'blocks that threw').toEqual([]);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  }, 200_000);
});

describe('README.md', () => {
  it('gives the optimizers PyTorch 1.13 defaults, and SGD the learning rate 0.01', () => {
    const readme = page('README.md');
    expect(readme).toContain(
      "follow PyTorch's update rules and defaults (except SGD's learning rate: 0.01",
    );
    // torch 1.13: torch.optim.Adam([p]).defaults, likewise AdamW, RMSprop, Adagrad.
    expect(adam().config).toMatchObject({
      learningRate: 1e-3,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-8,
      weightDecay: 0,
      amsgrad: false,
    });
    expect(adamw().config).toMatchObject({
      learningRate: 1e-3,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-8,
      weightDecay: 0.01,
    });
    expect(rmsprop().config).toMatchObject({
      learningRate: 0.01,
      alpha: 0.99,
      epsilon: 1e-8,
      momentum: 0,
      centered: false,
      weightDecay: 0,
    });
    expect(adagrad().config).toMatchObject({
      learningRate: 0.01,
      lrDecay: 0,
      initialAccumulatorValue: 0,
      epsilon: 1e-10,
      weightDecay: 0,
    });
    expect(sgd().config).toMatchObject({
      learningRate: 0.01,
      momentum: 0,
      dampening: 0,
      nesterov: false,
      weightDecay: 0,
    });
  });
});

describe('docs/ops.md', () => {
  const ops = page('docs/ops.md');

  it('quotes the int32 overflow message', () => {
    const quotation = codeSpan(ops, 'add: element 0 of the int32 result');
    const message = thrown(() => add(tensor([2 ** 31 - 1], { dtype: 'int32' }), 1));
    expect(quotes(message, quotation), `${message} / ${quotation}`).toBe(true);
  });

  it('states the element limit and its tile example', () => {
    expect(ops).toContain('2^28 by default');
    expect(getLimits().maxElements).toBe(2 ** 28);
    expect(ops).toContain('`tile(x, [1e5, 1e5])` fails at once with a `ValueError` naming `tile`');
    expect(thrown(() => tile(tensor([1]), [1e5, 1e5]))).toMatch(/^tile: .*10000000000 elements/);
  });

  it('describes chunk as PyTorch splits it: fewer parts than asked when ⌈size/n⌉ fits fewer', () => {
    expect(ops).toContain('parts of ⌈size/n⌉, the last smaller (so maybe fewer than n)');
    // torch 1.13: [c.shape for c in torch.arange(6).chunk(4)] -> [2, 2, 2].
    expect(chunk(arange(6), 4).map((c) => c.shape)).toEqual([[2], [2], [2]]);
  });

  it('maps norm to vector norms, with its example against torch.linalg.norm', () => {
    expect(ops).toContain('`norm(x, { ord: 1 })` is 7 where `torch.linalg.norm(x, ord=1)` is 4');
    // torch 1.13: torch.linalg.vector_norm(torch.tensor([[3., -4.]]), ord=1) -> 7,
    // ord=inf -> 4; torch.linalg.norm(..., ord=1) (the matrix norm) -> 4.
    expect(norm(tensor([[3, -4]]), { ord: 1 }).item()).toBe(7);
    expect(norm(tensor([[3, -4]]), { ord: Infinity }).item()).toBe(4);
  });
});

describe('docs/cnn.md', () => {
  const cnn = page('docs/cnn.md');

  it('quotes the build-time shape errors', () => {
    const flattenMismatch = thrown(() =>
      sequential([conv2d(1, 8, 3, { inputShape: [28, 28, 1] }), flatten(), dense(100, 10)]),
    );
    expect(cnn).toContain(`\`${flattenMismatch}\``);
    const x = input([4, 4, 3]);
    const inGraph = thrown(() => conv2d(3, 8, 5, { name: 'c1' }).apply(x));
    expect(cnn).toContain(`\`${inGraph}\``);
    const inSequential = thrown(() => sequential([conv2d(3, 8, 5, { inputShape: [4, 4, 3] })]));
    expect(cnn).toContain(`says, for now, only \`${inSequential}\``);
  });

  it("draws conv2dTranspose's kernel with the fans of its [kH, kW, filters, C] layout", () => {
    expect(cnn).toContain('fanIn = kH·kW·filters and fanOut = kH·kW·C');
    // heUniform draws from ±sqrt(6 / fanIn): fanIn = 3·3·40 = 360 (filters), not 3·3·3 = 27.
    const layer = conv2dTranspose(3, 40, 3, { kernelInitializer: heUniform(), rng: createRng(3) });
    const w = [...layer.params.kernel!.data].map(Math.abs);
    const limit = Math.sqrt(6 / 360);
    expect(Math.max(...w)).toBeLessThanOrEqual(limit);
    expect(Math.max(...w)).toBeGreaterThan(0.9 * limit);
  });
});

describe('docs/pooling.md', () => {
  const pooling = page('docs/pooling.md');

  it('quotes the error for a pool larger than the input', () => {
    const quotation = codeSpan(pooling, 'maxPool2d: poolSize 3 is larger');
    const message = thrown(() => predict(sequential([maxPool2d(3)]), ones([1, 2, 2, 1])));
    expect(message).toContain(quotation.replace(/; \.\.\.$/, ''));
  });

  it("works the 3 × 3 'same' example as the page does", () => {
    expect(pooling).toContain('max 5 6 avg (1+2+4+5)/4 = 3 (3+6)/2 = 4.5');
    expect(pooling).toContain('8 9 (7+8)/2 = 7.5 9/1 = 9');
    const x = reshape(tensor([1, 2, 3, 4, 5, 6, 7, 8, 9]), [1, 3, 3, 1]);
    expect([...predict(sequential([maxPool2d(2, { padding: 'same' })]), x).data]).toEqual([
      5, 6, 8, 9,
    ]);
    expect([...predict(sequential([avgPool2d(2, { padding: 'same' })]), x).data]).toEqual([
      3, 4.5, 7.5, 9,
    ]);
  });

  it('doubles the row 0, 4 bilinearly to 0, 1, 3, 4', () => {
    expect(pooling).toContain('A row `0, 4` doubled gives `0, 1, 3, 4`');
    const row = reshape(tensor([0, 4]), [1, 1, 2, 1]);
    const up = upSampling2d([1, 2], { interpolation: 'bilinear' });
    expect([...predict(sequential([up]), row).data]).toEqual([0, 1, 3, 4]);
  });
});

describe('docs/data.md', () => {
  const data = page('docs/data.md');

  it('quotes the IDX size message (a 17-byte file whose header needs 18)', async () => {
    // ubyte, 2 dimensions [2, 3]: a 12-byte header and 5 of the 6 elements.
    const bytes = new Uint8Array([0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 1, 1, 1, 1]);
    expect(data).toContain(`\`${await rejected(() => parseIdx(bytes))}\``);
  });

  it('quotes the scalers’ conversion error', () => {
    const message = thrown(() => standardScaler([[1], ['a']] as unknown as number[][]));
    expect(data).toContain(`(\`${message}\`)`);
  });

  it("gives scikit-learn's stratified folds for its example", () => {
    expect(data).toContain(
      'For labels `[0, 0, 0, 0, 1, 1, 1, 1, 1, 1]` and k = 2 the test folds are `[0, 1, 4, 5, 6]` and `[2, 3, 7, 8, 9]`',
    );
    // scikit-learn 1.2.1: [list(te) for _, te in StratifiedKFold(2).split(X, y)].
    const folds = stratifiedKFold([0, 0, 0, 0, 1, 1, 1, 1, 1, 1], 2, { shuffle: false });
    expect(folds.map((f) => [...f.test])).toEqual([
      [0, 1, 4, 5, 6],
      [2, 3, 7, 8, 9],
    ]);
  });
});

describe('docs/sequences.md', () => {
  it("quotes embedding's error for an id outside the table", () => {
    const sequences = page('docs/sequences.md');
    const ids = tensor(
      [
        [1, 7],
        [0, 0],
      ],
      { dtype: 'int32' },
    );
    const message = thrown(() =>
      embedding(4, 2).forward(ids, { training: false, rng: createRng(0) }),
    );
    expect(sequences).toContain(`(\`${message}\`)`);
  });
});

describe('docs/explain.md', () => {
  const rng = createRng(0);
  const dense64 = sequential([dense(64, 10, { rng })]);
  const x64 = zeros([4, 64]);
  const cnn = sequential([
    conv2d(1, 2, 3, { rng, inputShape: [8, 8, 1] }),
    flatten(),
    dense(72, 10, { rng }),
  ]);
  const recurrent = sequential([lstm(2, 3, { rng, name: 'lstm' }), dense(3, 2, { rng })]);
  const stateful = sequential([
    lstm(2, 3, { rng, name: 'lstm', stateful: true, batchSize: 2 }),
    dense(3, 2, { rng }),
  ]);
  const ids = sequential([embedding(10, 4, { rng }), flatten(), dense(12, 2, { rng })]);
  // Each message of the page's list of errors, by the start of its line there.
  const cases: [string, () => unknown][] = [
    ['lrp: target', () => lrp(dense64, x64, { target: 12 })],
    [
      'lrp: layer "lstm" (lstm) has no',
      () => lrp(recurrent, ones([1, 4, 2]), { rules: alphaBetaRule(2, 1) }),
    ],
    ['gammaRule:', () => gammaRule(-0.1)],
    [
      'integratedGradients: baseline',
      () => integratedGradients(dense64, x64, { baseline: zeros([8, 8]) }),
    ],
    ['integratedGradients: steps', () => integratedGradients(dense64, x64, { steps: 0 })],
    ['occlusion:', () => occlusion(cnn, zeros([1, 8, 8, 1]), { window: 9 })],
    ['saliency: x must', () => saliency(ids, [[1, 2, 3]])],
    ['saliency: layer', () => saliency(stateful, ones([3, 4, 2]))],
    ['lrp: layer "lstm" (lstm) is stateful', () => lrp(stateful, ones([2, 4, 2]))],
  ];

  it('quotes every message of its list of errors', () => {
    const lines = fencedLines('docs/explain.md', 'lrp: target must be');
    expect(lines).toHaveLength(cases.length);
    for (const [start, f] of cases) {
      const quotation = lines.filter((l) => l.startsWith(start));
      expect(quotation, start).toHaveLength(1);
      const message = thrown(f);
      expect(quotes(message, quotation[0]!), `${message}\n  quoted as\n${quotation[0]}`).toBe(true);
    }
  });

  it('quotes the error for a rule a layer does not implement', () => {
    const [quotation] = fencedLines('docs/explain.md', '"gammaPlus"');
    const twoDense = sequential([dense(64, 10, { rng }), dense(10, 2, { rng })]);
    const message = thrown(() => lrp(twoDense, x64, { rules: { name: 'gammaPlus', config: {} } }));
    expect(message).toBe(quotation);
  });
});

describe('docs/model-format.md', () => {
  const md = readFileSync(join(root, 'docs/model-format.md'), 'utf8');

  it("shows toJSON's output for its example model exactly", () => {
    const example = fences(md.split('## Example')[1]!).find((f) => f.lang === 'json')!.code;
    const model = sequential([
      dense(2, 1, { activation: sigmoid, kernel: [[1], [-2]], bias: [0.5] }),
    ]);
    expect(JSON.parse(JSON.stringify(toJSON(model)))).toEqual(JSON.parse(example));
  });

  it('counts the built-in layer kinds as the loader lists them', () => {
    const claimed = Number(md.match(/The loader knows these (\d+) layer kinds/)![1]);
    const json = JSON.parse(JSON.stringify(toJSON(sequential([dense(2, 1)])))) as {
      model: { layers: { kind: string }[] };
    };
    json.model.layers[0]!.kind = 'nope';
    const listed = thrown(() => fromJSON(json)).match(/known layer kind \(([^;]*);/)![1]!;
    const kinds = listed.split(', ');
    expect(kinds).toHaveLength(claimed);
    // ... and the page's bullet list names the same kinds.
    const bullets = md.split('The loader knows these')[1]!.split('The table above')[0]!;
    const named = [...bullets.matchAll(/`(\w+)`/g)]
      .map((m) => m[1]!)
      .filter((k) => k !== 'builtinLayers');
    expect([...named].sort()).toEqual([...kinds].sort());
  });

  it('quotes the loader errors', () => {
    const model = sequential([dense(3, 4), dense(4, 2)]);
    // The saved file, as JSON.parse gives it back (the fields these cases edit).
    interface Saved {
      version: number;
      model: {
        layers: {
          config: Record<string, unknown>;
          weights: Record<string, { shape: number[]; data: string }>;
        }[];
      };
    }
    const file = (): Saved => JSON.parse(JSON.stringify(toJSON(model))) as Saved;
    const cases: [string, (j: Saved) => void][] = [
      [
        'fromJSON: model.layers[1].weights.kernel.shape',
        (j) => (j.model.layers[1]!.weights.kernel!.shape = [4, 3]),
      ],
      ['fromJSON: version', (j) => (j.version = 3)],
      [
        'fromJSON: model.layers[0].config has unknown',
        (j) => (j.model.layers[0]!.config.units2 = 1),
      ],
      [
        'fromJSON: model.layers[0].weights.kernel.data',
        (j) => {
          const w = j.model.layers[0]!.weights.kernel!;
          w.data = w.data.slice(0, 60);
        },
      ],
    ];
    const lines = fencedLines('docs/model-format.md', 'fromJSON: version is 3');
    expect(lines).toHaveLength(cases.length + 1);
    for (const [start, edit] of cases) {
      const j = file();
      edit(j);
      const quotation = lines.find((l) => l.startsWith(start));
      expect(quotation, start).toBeDefined();
      const message = thrown(() => fromJSON(j));
      expect(quotes(message, quotation!), `${message}\n  quoted as\n${quotation}`).toBe(true);
    }
    const text = JSON.stringify(toJSON(model)).replace('"units":4', '"__proto__":1,"units":4');
    const quotation = lines.find((l) => l.includes('__proto__'));
    expect(thrown(() => fromJSON(JSON.parse(text)))).toBe(quotation);
  });

  it("states maxBytes' default", () => {
    expect(md).toContain('within the `maxBytes` limit (default 256 MiB');
    expect(getLimits().maxBytes).toBe(256 * 2 ** 20);
  });
});

describe('docs/interop.md', () => {
  it("names an exported dense layer's nodes as the page says", () => {
    const interop = page('docs/interop.md');
    const m = interop.match(/a first dense layer `hidden` is `(hidden\/\w+)`, `(hidden\/\w+)`/);
    expect(m, 'the example node names').not.toBeNull();
    const model = sequential([dense(4, 16, { name: 'hidden' }), dense(16, 3)]);
    const bytes = new TextDecoder('latin1').decode(toOnnx(model));
    const names = [...bytes.matchAll(/hidden\/[A-Za-z]+_\d+/g)].map((n) => n[0]);
    expect(names.slice(0, 2)).toEqual([m![1], m![2]]);
  });
});

describe('docs/threads.md', () => {
  it('states MAX_THREADS', () => {
    expect(page('docs/threads.md')).toContain(`at most MAX_THREADS (${MAX_THREADS})`);
    expect(MAX_THREADS).toBe(16);
  });
});
