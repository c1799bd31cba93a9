/// <reference types="node" />
import { describe, expect, it } from 'vitest';
import { terminalProgress } from '../../src/node/progress.js';
import type { FitProgress } from '../../src/training/types.js';

function sink(isTTY: boolean, columns?: number) {
  const chunks: string[] = [];
  return {
    chunks,
    stream: {
      isTTY,
      ...(columns === undefined ? {} : { columns }),
      write: (s: string) => chunks.push(s),
    },
  };
}

const step = (
  batch: number,
  phase: 'batch' | 'epoch' = 'batch',
  extra: Partial<FitProgress> = {},
): FitProgress => ({
  phase,
  epoch: 2,
  epochs: 10,
  batch,
  batches: 45,
  samples: batch * 32,
  totalSamples: 1440,
  loss: 0.23141,
  samplesPerSecond: 1234.4,
  elapsedMs: 10,
  metrics: {},
  ...extra,
});

describe('terminalProgress', () => {
  it('redraws one line with \\r on a terminal and ends each epoch with a newline', () => {
    const { chunks, stream } = sink(true, 120);
    const show = terminalProgress({ stream, width: 10, throttleMs: 0 });
    show(step(12));
    // 12/45 of 10 cells: 2 full cells, then the head
    expect(chunks[0]).toBe('\repoch 3/10 [==>       ] 12/45 loss 0.2314 1,234 samples/s');
    show(
      step(45, 'epoch', {
        metrics: { accuracy: 0.95 },
        valLoss: 0.3,
        valMetrics: { accuracy: 0.9 },
      }),
    );
    expect(chunks[1]).toBe(
      '\repoch 3/10 [==========] 45/45 loss 0.2314 accuracy 0.9500 valLoss 0.3000 valAccuracy 0.9000 1,234 samples/s\n',
    );
  });

  it('throttles redraws but always draws the last batch and the epoch end', () => {
    const { chunks, stream } = sink(true, 120);
    const show = terminalProgress({ stream, throttleMs: 60_000 });
    show(step(1));
    show(step(2));
    show(step(45));
    show(step(45, 'epoch'));
    expect(chunks).toHaveLength(3);
  });

  it('writes one plain line per epoch when not a terminal', () => {
    const { chunks, stream } = sink(false);
    const show = terminalProgress({ stream });
    show(step(1));
    show(step(45, 'epoch', { valLoss: 0.5, valMetrics: { accuracy: 0.9, topK: 0.125 } }));
    expect(chunks).toEqual([
      'epoch 3/10 loss 0.2314 valLoss 0.5000 valAccuracy 0.9000 valTopK 0.1250 1,234 samples/s\n',
    ]);
  });

  it('keeps the line within a narrow terminal', () => {
    const { chunks, stream } = sink(true, 50);
    terminalProgress({ stream, throttleMs: 0 })(step(12));
    expect(chunks[0]!.length - 1).toBeLessThan(50);
  });

  it('keeps the whole epoch line, which stays in the scrollback, even when it wraps', () => {
    const { chunks, stream } = sink(true, 80);
    const show = terminalProgress({ stream, throttleMs: 0 });
    show(
      step(45, 'epoch', {
        metrics: { accuracy: 0.325 },
        valLoss: 1.1,
        valMetrics: { accuracy: 0.3 },
      }),
    );
    // once cut at 79 columns: "... valAccuracy 0." with the value and the speed lost
    expect(chunks[0]).toMatch(/valAccuracy 0\.3000 1,234 samples\/s\n$/);
  });

  it('treats a terminal that reports 0 columns as one of unknown width', () => {
    // Some pseudo-terminals report columns = 0: nothing may be cut off the line.
    const { chunks, stream } = sink(true, 0);
    terminalProgress({ stream, width: 10, throttleMs: 0 })(step(45, 'epoch'));
    const line = chunks.join('');
    expect(line).toContain('samples/s');
    expect(line).toContain('[==========]');
  });

  it('validates its options', () => {
    expect(() => terminalProgress({ width: 0 })).toThrow(
      'terminalProgress: width must be a positive integer, got 0',
    );
    expect(() => terminalProgress({ stream: {} as never })).toThrow(
      /stream must be a writable stream/,
    );
    expect(() => terminalProgress({ colour: true } as never)).toThrow(/unknown option "colour"/);
  });
});
