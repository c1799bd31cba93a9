/// <reference types="node" />
// The API reference (TypeDoc, typedoc.json): the README is its landing page,
// it has one module per topic, activations, losses and metrics are listed
// as such (not under "Variables"), and it builds without a warning, with
// undocumented exports as errors. Converts with TypeDoc's API, without
// rendering HTML.
import { fileURLToPath } from 'node:url';
import {
  Application,
  LogLevel,
  TSConfigReader,
  TypeDocReader,
  type ProjectReflection,
} from 'typedoc';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

let project: ProjectReflection | undefined;
/** Warnings and errors TypeDoc logged, as text. */
const messages: string[] = [];

const module = (name: string) => project?.children?.find((c) => c.name === name);
const groups = (name: string) =>
  Object.fromEntries(
    (module(name)?.groups ?? []).map((g) => [g.title, g.children.map((c) => c.name)]),
  );

describe('the API reference', () => {
  beforeAll(async () => {
    const cwd = process.cwd();
    process.chdir(root);
    try {
      const app = await Application.bootstrapWithPlugins(
        { options: 'typedoc.json', logLevel: 'Warn' },
        [new TypeDocReader(), new TSConfigReader()],
      );
      // Collect what TypeDoc would print (warnings and errors) instead of printing it.
      app.logger.log = (message: string, level: LogLevel) => {
        if (level >= LogLevel.Warn) messages.push(message);
      };
      project = await app.convert();
      if (project !== undefined) app.validate(project);
    } finally {
      process.chdir(cwd);
    }
  }, 120_000);

  it('builds without warnings or errors', () => {
    expect(project).toBeDefined();
    expect(messages).toEqual([]);
  });

  it('opens on the README', () => {
    const text = (project?.readme ?? []).map((p) => p.text).join('');
    expect(text).toContain('# myelin');
    expect(text).toContain('## Quick start');
  });

  it('has one module per topic, in reading order', () => {
    expect(project?.children?.map((c) => c.name)).toEqual([
      'tensor',
      'ops',
      'autograd',
      'activations',
      'losses',
      'layers',
      'models',
      'optimizers',
      'training',
      'explain',
      'data',
      'io',
      'onnx',
      'plots',
      'node',
      'wasm',
      'testing',
      'random',
      'init',
      'regularizers',
      'network',
      'kernels',
      'core',
    ]);
    for (const c of project?.children ?? []) {
      expect(c.comment?.summary.map((p) => p.text).join(''), c.name).toMatch(/Import\s+from/);
    }
  });

  it('lists activations, losses and metrics as such, not under "Variables"', () => {
    const activations = groups('activations');
    expect(activations['Variables']).toBeUndefined();
    expect(activations['Activations']).toEqual(expect.arrayContaining(['relu', 'softmax', 'gelu']));
    const losses = groups('losses');
    expect(losses['Variables']).toBeUndefined();
    expect(losses['Losses']).toEqual(expect.arrayContaining(['mse', 'crossEntropy', 'huber']));
    const training = groups('training');
    expect(training['Variables']).toBeUndefined();
    expect(training['Metrics']).toEqual(expect.arrayContaining(['accuracy', 'f1Metric']));
    // The topic's own group comes first on its page.
    expect(module('activations')?.groups?.[0]?.title).toBe('Activations');
  });
});
