import { assertKnownKeys, fail } from '../_lib/assert.js';
import { checkElements } from '../_lib/limits.js';
import { fmtShape } from '../_lib/shape.js';
import { zeroPad2dBackwardJs, zeroPad2dJs, type PadGeometry } from '../kernels/js/spatial.js';
import type { Tensor } from '../tensor/tensor.js';
import type {
  BuiltinLayer,
  CompiledLayer,
  ForwardContext,
  LayerBackwardIO,
  LayerIO,
  RelevanceIO,
} from './layer.js';
import { applyVia, runLayer1 } from './_run.js';
import { checkName, checkSpatialShape } from './_spatial.js';
import type { SymbolicTensor } from './symbolic.js';
import { checkOptions } from './_util.js';

/**
 * Padding of {@link zeroPadding2d}: one number for all four sides, `[h, w]`
 * (h rows above and below, w columns left and right), or
 * `[[top, bottom], [left, right]]`, as Keras `ZeroPadding2D`.
 */
export type ZeroPadding2dSpec =
  | number
  | readonly [number, number]
  | readonly [readonly [number, number], readonly [number, number]];

/** Options of {@link zeroPadding2d}. */
export interface ZeroPadding2dOptions {
  /** Optional name, kept in the config. */
  name?: string;
}

/** The JSON-able description of a zero-padding layer: the padding in its full form. */
export interface ZeroPadding2dConfig {
  /** `[[top, bottom], [left, right]]`. */
  readonly padding: readonly [readonly [number, number], readonly [number, number]];
  readonly name?: string;
}

/** Adds rows and columns of zeros around each channels-last image. No params. */
export type ZeroPadding2d = BuiltinLayer<'zeroPadding2d', ZeroPadding2dConfig>;

const EXPECTED =
  'a non-negative integer, a pair [rows, columns] or [[top, bottom], [left, right]] of them';

function full(
  padding: unknown,
): readonly [readonly [number, number], readonly [number, number]] | null {
  const ok = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
  if (ok(padding))
    return [
      [padding, padding],
      [padding, padding],
    ];
  if (!Array.isArray(padding) || padding.length !== 2) return null;
  const [a, b] = padding as unknown[];
  if (ok(a) && ok(b))
    return [
      [a, a],
      [b, b],
    ];
  if (
    Array.isArray(a) &&
    Array.isArray(b) &&
    a.length === 2 &&
    b.length === 2 &&
    ok(a[0]) &&
    ok(a[1]) &&
    ok(b[0]) &&
    ok(b[1])
  )
    return [
      [a[0], a[1]],
      [b[0], b[1]],
    ];
  return null;
}

/**
 * Zero padding of channels-last images, [batch, height, width, channels] →
 * [batch, top + height + bottom, left + width + right, channels], as Keras
 * `ZeroPadding2D` (the explicit padding to put before a convolution or a
 * pooling). Gradient: the input's part of the output gradient.
 *
 * @param padding One number for every side (default 1), `[rows, columns]`, or
 *   `[[top, bottom], [left, right]]`.
 * @example
 * ```ts
 * import { zeroPadding2d, tensor, createRng } from 'myelin';
 * const x = tensor([1, 2], { shape: [1, 1, 2, 1] });
 * const y = zeroPadding2d([[0, 1], [1, 0]]).forward(x, { training: false, rng: createRng(0) });
 * console.log(y.shape, Array.from(y.data)); // [1, 2, 3, 1] [0, 1, 2, 0, 0, 0]
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function zeroPadding2d(
  padding: ZeroPadding2dSpec = 1,
  options: ZeroPadding2dOptions = {},
): ZeroPadding2d {
  const fn = 'zeroPadding2d';
  const pad = full(padding) ?? fail(fn, 'padding', EXPECTED, padding);
  checkOptions(fn, options);
  assertKnownKeys(fn, 'options', options, ['name']);
  const name = checkName(fn, options.name);
  const [[top, bottom], [left, right]] = pad;
  const geometry = (shape: readonly number[]): PadGeometry => {
    checkSpatialShape(fn, shape, 3);
    return { inH: shape[0]!, inW: shape[1]!, channels: shape[2]!, top, bottom, left, right };
  };
  const outShape = (g: PadGeometry): number[] => {
    const out = [g.inH + top + bottom, g.inW + left + right, g.channels];
    // A padding read from a file may be huge: refuse before any buffer is sized from it.
    checkElements(fn, `the padded sample ${fmtShape(out)}`, out[0]! * out[1]! * out[2]!);
    return out;
  };
  const layer: ZeroPadding2d = {
    kind: 'zeroPadding2d',
    config: { padding: pad, ...(name === undefined ? {} : { name }) },
    params: {},
    trainable: true,
    ...(name === undefined ? {} : { name }),
    inputShape: null,
    outputShape: (shape) => outShape(geometry(shape)),
    compile(inShapes: readonly (readonly number[])[]): CompiledLayer {
      const g = geometry(inShapes[0]!);
      return {
        outShapes: [outShape(g)],
        forward(io: LayerIO): void {
          zeroPad2dJs(io.inputs[0]!, io.outputs[0]!, io.rows, g);
        },
        backward(io: LayerBackwardIO): void {
          const gx = io.gradInputs[0];
          if (gx !== null && gx !== undefined)
            zeroPad2dBackwardJs(io.gradOutputs[0]!, gx, io.rows, g);
        },
        // The padding holds no relevance of its own: the input's part passes through.
        relevance(io: RelevanceIO): boolean {
          zeroPad2dBackwardJs(io.relevanceOutputs[0]!, io.relevanceInputs[0]!, io.rows, g);
          return true;
        },
      };
    },
    forward(x: Tensor, ctx: ForwardContext): Tensor {
      return runLayer1(fn, layer, x, ctx);
    },
    apply(x: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor {
      return applyVia(layer, x);
    },
  };
  return layer;
}
