// docs/custom-layers.md shows examples/custom-layer.ts verbatim, and that
// code runs as written: a custom layer with its own kernel trains with fit,
// reaches the accuracy the guide promises, and reloads with the loader's
// `layers` option to the same predictions. (The files are read with Vite's
// ?raw imports, so this runs in the browser too.)
import { describe, expect, it, vi } from 'vitest';
import readme from '../../README.md?raw';
import guide from '../../docs/custom-layers.md?raw';
import source from '../../examples/custom-layer.ts?raw';

/** The fenced ```ts blocks of a markdown text, top-level ones only. */
function tsBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

describe('docs/custom-layers.md', () => {
  it('shows examples/custom-layer.ts verbatim', () => {
    expect(source.length).toBeGreaterThan(1000);
    expect(tsBlocks(guide)).toContain(source);
  });

  it('writes the layer in about 40 lines of code', () => {
    const start = source.indexOf('type ScaleShift');
    const end = source.indexOf('\n}\n', start);
    expect(start).toBeGreaterThan(0);
    const lines = source
      .slice(start, end + 2)
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.trim().startsWith('//'));
    expect(lines.length).toBeGreaterThanOrEqual(30);
    expect(lines.length).toBeLessThanOrEqual(45);
  });

  it('runs as written: trains past 0.9 accuracy and reloads to the same predictions', async () => {
    const printed: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      printed.push(args.join(' '));
    });
    try {
      await import('../../examples/custom-layer.js');
    } finally {
      log.mockRestore();
    }
    expect(printed).toHaveLength(2);
    const accuracy = Number(/^accuracy (\d\.\d{3})$/.exec(printed[0]!)?.[1]);
    expect(accuracy).toBeGreaterThan(0.9);
    expect(printed[1]).toBe('the loaded copy predicts the same: true');
    expect(guide).toContain('It prints the training accuracy (above 0.9)');
  });

  it('is linked from the README', () => {
    expect(readme).toContain('(docs/custom-layers.md)');
  });
});
