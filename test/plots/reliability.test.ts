import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/_lib/errors.js';
import { reliabilityDiagram } from '../../src/plots/reliability-diagram.js';
import { calibrationCurve } from '../../src/training/calibration.js';
import { findAll, parseXml, pathPoints, textOf } from './_xml.js';

const probs = [
  [0.9, 0.1],
  [0.8, 0.2],
  [0.3, 0.7],
  [0.4, 0.6],
];
const curve = calibrationCurve(probs, [0, 1, 1, 1]); // 4 non-empty bins, ECE 0.4

/** The numbers of a path's points, as [x, y] pairs. */
function points(d: string): [number, number][] {
  const v = d.match(/-?[\d.]+/g)!.map(Number);
  return Array.from({ length: v.length / 2 }, (_, i) => [v[2 * i]!, v[2 * i + 1]!]);
}

describe('reliabilityDiagram', () => {
  it('draws one point per non-empty bin, the diagonal, a histogram and a legend', () => {
    const root = parseXml(reliabilityDiagram({ ...curve, name: 'val' }, { title: 'Calibration' }));
    const path = findAll(root, 'path', 'series');
    expect(path.map((p) => p.attrs['data-name'])).toEqual(['val (ECE 0.400)']);
    expect(pathPoints(path[0]!.attrs.d!)).toBe(4);
    expect(findAll(root, 'circle')).toHaveLength(4);
    expect(findAll(root, 'rect', 'count')).toHaveLength(4);
    expect(findAll(root, 'line', 'diagonal')).toHaveLength(1);
    const texts = findAll(root, 'text').map(textOf);
    expect(texts).toEqual(
      expect.arrayContaining([
        'Calibration',
        'confidence',
        'accuracy',
        'samples',
        'val (ECE 0.400)',
        'perfectly calibrated',
      ]),
    );
  });

  it('places points on the scale: (confidence, accuracy) against the diagonal', () => {
    const root = parseXml(reliabilityDiagram(curve, { showCounts: false }));
    const diag = findAll(root, 'line', 'diagonal')[0]!.attrs;
    // the diagonal runs from (0, 0) at the bottom left to (1, 1) at the top right
    const [x0, y0, x1, y1] = [diag.x1, diag.y1, diag.x2, diag.y2].map(Number) as [
      number,
      number,
      number,
      number,
    ];
    const at = (c: number, a: number): [number, number] => [x0 + c * (x1 - x0), y0 + a * (y1 - y0)];
    const got = points(findAll(root, 'path', 'series')[0]!.attrs.d!);
    // bins in order: (0.6, acc 1), (0.7, acc 1), (0.8, acc 0), (0.9, acc 1)
    const want = [at(0.6, 1), at(0.7, 1), at(0.8, 0), at(0.9, 1)];
    got.forEach(([x, y], i) => {
      expect(x).toBeCloseTo(want[i]![0], 1);
      expect(y).toBeCloseTo(want[i]![1], 1);
    });
    expect(findAll(root, 'rect', 'count')).toHaveLength(0);
    expect(findAll(root, 'text').map(textOf)).not.toContain('samples');
  });

  it('compares several series, each in its own color', () => {
    const other = calibrationCurve([[0.6, 0.4]], [0]);
    const root = parseXml(
      reliabilityDiagram([
        { ...curve, name: 'before' },
        { bins: other.bins, color: '#123456' },
      ]),
    );
    const paths = findAll(root, 'path', 'series');
    expect(paths.map((p) => p.attrs['data-name'])).toEqual(['before (ECE 0.400)', 'model 2']);
    expect(paths[1]!.attrs.stroke).toBe('#123456');
    expect(paths[0]!.attrs.stroke).not.toBe('#123456');
    expect(findAll(root, 'rect', 'count')).toHaveLength(5); // 4 + 1 non-empty bins
  });

  it('escapes user text', () => {
    const evil = `<script>"x" & 'y'</script>`;
    const root = parseXml(reliabilityDiagram({ bins: curve.bins, name: evil }, { title: evil }));
    expect(findAll(root, 'script')).toHaveLength(0);
    expect(findAll(root, 'path', 'series')[0]!.attrs['data-name']).toBe(evil);
  });

  it.each([
    [
      () => reliabilityDiagram([]),
      'reliabilityDiagram: calibration must hold at least one series, got []',
    ],
    [
      () => reliabilityDiagram({ bins: 3 } as never),
      'reliabilityDiagram: calibration.bins must be an array of bins (the result of calibrationCurve), got 3',
    ],
    [
      () =>
        reliabilityDiagram({
          bins: [{ lower: 0, upper: 1, count: 2, confidence: 1.5, accuracy: 0 }],
        }),
      'reliabilityDiagram: calibration.bins[0].confidence must be a number in [0, 1], got 1.5',
    ],
    [
      () =>
        reliabilityDiagram([
          curve,
          { bins: [{ lower: 0, upper: 1, count: -1, confidence: 0, accuracy: 0 }] },
        ]),
      'reliabilityDiagram: calibration[1].bins[0].count must be a non-negative integer, got -1',
    ],
    [
      () =>
        reliabilityDiagram({
          bins: [{ lower: 0.5, upper: 0.2, count: 0, confidence: NaN, accuracy: NaN }],
        }),
      'calibration.bins[0].upper must be a number in [0.5, 1], got 0.2',
    ],
    [
      () => reliabilityDiagram({ ...curve, expectedCalibrationError: NaN }),
      'calibration.expectedCalibrationError must be a finite number, got NaN',
    ],
    [
      () => reliabilityDiagram(curve, { width: 50 }),
      'reliabilityDiagram: width must be an integer >= 200, got 50',
    ],
    [
      () => reliabilityDiagram(curve, { height: 300 } as never),
      'reliabilityDiagram: unknown option "height"',
    ],
    [
      () => reliabilityDiagram(curve, { showCounts: 'no' as never }),
      'reliabilityDiagram: showCounts must be a boolean, got "no"',
    ],
  ])('rejects bad input %#', (call, message) => {
    expect(call).toThrow(ValueError);
    expect(call).toThrow(message);
  });
});
