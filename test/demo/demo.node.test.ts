/// <reference types="node" />
// End-to-end check of the live demo (examples/browser, served by
// scripts/demo.mjs) in Debian's headless Chromium, driven by playwright-core:
// train to >= 90% held-out accuracy, stop mid-run with the Stop button, draw a
// "1" and read the prediction and its relevance heatmap (LRP), for the dense
// network and the CNN. Leaves a screenshot in test-results/demo.png.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const executablePath = process.env['MYELIN_CHROMIUM'] ?? '/usr/bin/chromium';
// Without Chromium this test is skipped (vitest.config.ts prints one line
// saying so and how to run it), unless MYELIN_BROWSER=1 insists, as CI does.
const browserAvailable = existsSync(executablePath) || process.env['MYELIN_BROWSER'] === '1';
const flags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

interface DemoHandle {
  state: string;
  epochs: { epoch: number; loss: number; valAccuracy: number }[];
  prediction: {
    network: string;
    label: number;
    probabilities: number[];
    features: number[];
    relevance: { shape: number[]; values: number[]; outputScore: number; inputSum: number };
  } | null;
  error: string | null;
  threads?: number | null;
}

let server: ChildProcess | null = null;
let context: BrowserContext | null = null;
let page: Page | null = null;
let profile = '';
let url = '';

function startServer(): Promise<string> {
  return new Promise((resolveUrl, reject) => {
    const child = spawn(process.execPath, [join(root, 'scripts/demo.mjs'), '--port', '0'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server = child;
    let out = '';
    const timer = setTimeout(() => {
      reject(new Error(`demo server printed no address in 60 s:\n${out}`));
    }, 60_000);
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[0]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`demo server exited with ${String(code)}:\n${out}`));
    });
  });
}

const handle = (p: Page): Promise<DemoHandle> =>
  p.evaluate(() => (window as unknown as { myelinDemo: DemoHandle }).myelinDemo);

/**
 * The relevance of the drawn digit has the input's shape (64 values: [1, 64]
 * for the dense network, [1, 8, 8, 1] for the CNN) and explains the
 * predicted class: finite, not all zero, seeded with that class's logit.
 */
function checkRelevance(prediction: NonNullable<DemoHandle['prediction']>, shape: number[]): void {
  const { relevance } = prediction;
  expect(relevance.shape).toEqual(shape);
  expect(relevance.values).toHaveLength(64);
  expect(relevance.values.every(Number.isFinite)).toBe(true);
  expect(relevance.values.some((v) => v !== 0)).toBe(true);
  // The seeded score is the predicted class's logit, positive for the winner here.
  expect(relevance.outputScore).toBeGreaterThan(0);
}

/**
 * The heatmap beside the digit: 8x8 cells over the 8x8 image, each cell
 * showing (in its tooltip, as "(row, column): value" to 3 significant
 * digits) the relevance of that pixel, in the input's row-major order.
 */
async function checkHeatmap(p: Page, values: readonly number[]): Promise<void> {
  expect(await p.locator('#relevance svg').count()).toBe(1);
  expect(await p.locator('#relevance svg g.image rect').count()).toBe(64);
  const cells = await p.locator('#relevance svg g.relevance rect.pixel title').allTextContents();
  expect(cells).toHaveLength(64);
  cells.forEach((t, i) => {
    expect(t).toBe(`(${Math.floor(i / 8)}, ${i % 8}): ${Number(values[i]!.toPrecision(3))}`);
  });
}

describe.skipIf(!browserAvailable)('the live demo page', () => {
  beforeAll(async () => {
    expect(existsSync(executablePath), `Chromium at ${executablePath}`).toBe(true);
    const digits = process.env['MYELIN_DIGITS'] ?? join(root, 'examples/data/digits.csv.gz');
    expect(existsSync(digits), digits).toBe(true);
    url = await startServer();
    profile = mkdtempSync(join(tmpdir(), 'myelin-demo-profile-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: flags,
      viewport: { width: 1100, height: 820 },
    });
    page = context.pages()[0] ?? (await context.newPage());
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    server?.kill('SIGTERM');
    if (profile !== '') rmSync(profile, { recursive: true, force: true });
  });

  it('trains to 90% held-out accuracy, stops on request, and reads a drawn digit', async () => {
    const p = page!;
    const errors: string[] = [];
    p.on('pageerror', (e) => errors.push(e.message));
    await p.goto(url);
    await p.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
    // The server sends the COOP and COEP headers: the page is cross-origin
    // isolated, so the WebAssembly kernels run on every core (capped at 16).
    const env = await p.evaluate(() => ({
      isolated: crossOriginIsolated,
      cores: navigator.hardwareConcurrency,
    }));
    expect(env.isolated).toBe(true);
    const threads = Math.min(env.cores, 16);
    expect((await handle(p)).threads).toBe(threads);
    expect(await p.textContent('#threads')).toBe(String(threads));

    // Ask for many epochs so that the Stop button lands mid-run.
    await p.fill('#epochs', '1000');
    await p.click('#train');
    await p.waitForSelector('body[data-state="training"]');
    await p.waitForFunction(
      () =>
        (window as unknown as { myelinDemo: DemoHandle }).myelinDemo.epochs.some(
          (e) => e.valAccuracy >= 0.9,
        ),
      undefined,
      { timeout: 120_000, polling: 200 },
    );
    // The page answers while training runs: fit yields to the event loop.
    expect(await p.evaluate(() => document.body.dataset['state'])).toBe('training');
    await p.click('#stop');
    await p.waitForSelector('body[data-state="stopped"]', { timeout: 30_000 });

    const stopped = await handle(p);
    expect(stopped.error).toBeNull();
    expect(stopped.epochs.length).toBeGreaterThan(0);
    expect(stopped.epochs.length).toBeLessThan(1000);
    expect(Math.max(...stopped.epochs.map((e) => e.valAccuracy))).toBeGreaterThanOrEqual(0.9);

    // Train again to completion with a fixed epoch count: the seeded run is
    // then the same every time, and so is the prediction below.
    await p.fill('#epochs', '15');
    await p.click('#train');
    await p.waitForSelector('body[data-state="trained"]', { timeout: 120_000 });
    const trained = await handle(p);
    expect(trained.epochs.map((e) => e.epoch)).toEqual([...Array(15).keys()]);
    expect(trained.epochs.at(-1)?.valAccuracy).toBeGreaterThanOrEqual(0.9);
    // The chart drew both series.
    expect(await p.locator('#chart path[data-series="loss"]').count()).toBe(1);
    expect(await p.locator('#chart path[data-series="accuracy"]').count()).toBe(1);

    // Draw a "1": one vertical stroke down the middle of the pad.
    const box = await p.locator('#pad').boundingBox();
    if (box === null) throw new Error('no drawing pad');
    const x = box.x + box.width * 0.52;
    await p.mouse.move(x + 8, box.y + box.height * 0.15);
    await p.mouse.down();
    for (let i = 1; i <= 20; i++) {
      await p.mouse.move(x + 8 - (8 * i) / 20, box.y + box.height * (0.15 + (0.7 * i) / 20));
    }
    await p.mouse.up();
    await p.waitForSelector('#guess[data-label]');

    const { prediction } = await handle(p);
    if (prediction === null) throw new Error('no prediction after drawing');
    expect(prediction.probabilities).toHaveLength(10);
    const total = prediction.probabilities.reduce((s, v) => s + v, 0);
    expect(total).toBeCloseTo(1, 5);
    expect(prediction.features).toHaveLength(64);
    expect(Math.max(...prediction.features)).toBeLessThanOrEqual(16);
    expect(prediction.label).toBe(1);
    expect(await p.textContent('#guess')).toBe('1');
    expect(await p.locator('#bars .bar').count()).toBe(10);
    expect(prediction.network).toBe('dense');
    checkRelevance(prediction, [1, 64]);
    await checkHeatmap(p, prediction.relevance.values);

    // The CNN option: the same data as [n, 8, 8, 1] images, and the same drawing
    // (read through fromImageData) classified by the CNN once it is trained.
    await p.selectOption('#network', 'cnn');
    await p.fill('#epochs', '15');
    await p.click('#train');
    await p.waitForSelector('body[data-state="trained"]', { timeout: 180_000 });
    const cnn = await handle(p);
    expect(cnn.error).toBeNull();
    expect(cnn.epochs).toHaveLength(15);
    expect(cnn.epochs.at(-1)?.valAccuracy).toBeGreaterThanOrEqual(0.9);
    if (cnn.prediction === null) throw new Error('no CNN prediction of the drawing');
    expect(cnn.prediction.network).toBe('cnn');
    expect(cnn.prediction.features).toEqual(prediction.features);
    expect(cnn.prediction.probabilities.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
    expect(cnn.prediction.label).toBe(1);
    checkRelevance(cnn.prediction, [1, 8, 8, 1]);
    await checkHeatmap(p, cnn.prediction.relevance.values);
    expect(errors).toEqual([]);

    mkdirSync(join(root, 'test-results'), { recursive: true });
    await p.screenshot({ path: join(root, 'test-results/demo.png'), fullPage: true });
  }, 420_000);
});
