import { assertKnownKeys, assertOneOf } from '../_lib/assert.js';
import { checkElements } from '../_lib/limits.js';
import { fmtShape } from '../_lib/shape.js';
import {
  linearTaps,
  upSampleBilinearBackwardJs,
  upSampleBilinearJs,
  upSampleNearestBackwardJs,
  upSampleNearestJs,
  type BilinearTaps,
} from '../kernels/js/spatial.js';
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
import { checkName, checkSpatialShape, positivePair } from './_spatial.js';
import type { SymbolicTensor } from './symbolic.js';
import { checkOptions } from './_util.js';

/** Options of {@link upSampling2d}. */
export interface UpSampling2dOptions {
  /** 'nearest' (default) repeats pixels; 'bilinear' interpolates with half-pixel centres. */
  interpolation?: 'nearest' | 'bilinear';
  /** Optional name, kept in the config. */
  name?: string;
}

/** The JSON-able description of an up-sampling layer. */
export interface UpSampling2dConfig {
  /** Factors `[rows, columns]`. */
  readonly size: readonly [number, number];
  readonly interpolation: 'nearest' | 'bilinear';
  readonly name?: string;
}

/** Enlarges channels-last images by integer factors. No params. */
export type UpSampling2d = BuiltinLayer<'upSampling2d', UpSampling2dConfig>;

/**
 * Up-sampling of channels-last images by integer factors, [batch, height,
 * width, channels] → [batch, height·sh, width·sw, channels], as Keras
 * `UpSampling2D`. 'nearest' repeats each pixel into an sh × sw block
 * (gradient: the block's sum). 'bilinear' interpolates between the four
 * nearest pixels with half-pixel centres, clamped at the border, as
 * TensorFlow 2's `tf.image.resize` (Keras's bilinear `UpSampling2D`) and
 * PyTorch's `interpolate(..., mode='bilinear', align_corners=False)`.
 *
 * @param size Factors `[rows, columns]`, or one number for both (default 2).
 * @example
 * ```ts
 * import { upSampling2d, tensor, createRng } from 'myelin';
 * const x = tensor([1, 2], { shape: [1, 1, 2, 1] });
 * const ctx = { training: false, rng: createRng(0) };
 * console.log(Array.from(upSampling2d([1, 2]).forward(x, ctx).data)); // [1, 1, 2, 2]
 * const b = upSampling2d([1, 2], { interpolation: 'bilinear' }).forward(x, ctx);
 * console.log(Array.from(b.data)); // [1, 1.25, 1.75, 2]
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function upSampling2d(
  size: number | readonly [number, number] = 2,
  options: UpSampling2dOptions = {},
): UpSampling2d {
  const fn = 'upSampling2d';
  const [sh, sw] = positivePair(fn, 'size', size);
  checkOptions(fn, options);
  assertKnownKeys(fn, 'options', options, ['interpolation', 'name']);
  const interpolation = assertOneOf(fn, 'interpolation', options.interpolation ?? 'nearest', [
    'nearest',
    'bilinear',
  ]);
  const name = checkName(fn, options.name);
  const outShape = (shape: readonly number[]): number[] => {
    checkSpatialShape(fn, shape, 3);
    const out = [shape[0]! * sh, shape[1]! * sw, shape[2]!];
    // Factors read from a file may be huge: refuse before any buffer is sized from them.
    checkElements(fn, `the up-sampled sample ${fmtShape(out)}`, out[0]! * out[1]! * out[2]!);
    return out;
  };
  const layer: UpSampling2d = {
    kind: 'upSampling2d',
    config: { size: [sh, sw], interpolation, ...(name === undefined ? {} : { name }) },
    params: {},
    trainable: true,
    ...(name === undefined ? {} : { name }),
    inputShape: null,
    outputShape: outShape,
    compile(inShapes: readonly (readonly number[])[]): CompiledLayer {
      const s = inShapes[0]!;
      const out = outShape(s);
      const [inH, inW, C] = s as [number, number, number];
      if (interpolation === 'nearest') {
        return {
          outShapes: [out],
          forward(io: LayerIO): void {
            upSampleNearestJs(io.inputs[0]!, io.outputs[0]!, io.rows, inH, inW, C, sh, sw);
          },
          backward(io: LayerBackwardIO): void {
            const gx = io.gradInputs[0];
            if (gx !== null && gx !== undefined)
              upSampleNearestBackwardJs(io.gradOutputs[0]!, gx, io.rows, inH, inW, C, sh, sw);
          },
          // Each output copies one input: the input's relevance is the sum of its copies'.
          relevance(io: RelevanceIO): boolean {
            upSampleNearestBackwardJs(
              io.relevanceOutputs[0]!,
              io.relevanceInputs[0]!,
              io.rows,
              inH,
              inW,
              C,
              sh,
              sw,
            );
            return true;
          },
        };
      }
      // The taps depend only on the shapes: computed once per compilation.
      const taps: BilinearTaps = {
        inH,
        inW,
        channels: C,
        h: linearTaps(inH, sh),
        w: linearTaps(inW, sw),
      };
      return {
        outShapes: [out],
        forward(io: LayerIO): void {
          upSampleBilinearJs(io.inputs[0]!, io.outputs[0]!, io.rows, taps);
        },
        backward(io: LayerBackwardIO): void {
          const gx = io.gradInputs[0];
          if (gx !== null && gx !== undefined)
            upSampleBilinearBackwardJs(io.gradOutputs[0]!, gx, io.rows, taps);
        },
        /**
         * Each output is a weighted mean of up to four inputs (weights ≥ 0,
         * no bias), so its relevance is split in proportion to their
         * contributions, LRP-0 of that linear map: R_i = x_i·Σ_o w_oi·R_o / z_o
         * (the output's own value z_o; zero where it is 0), computed as
         * x ⊙ Uᵀ(R / U(x)) with U the up-sampling. Whatever the rule.
         */
        relevance(io: RelevanceIO): boolean {
          const x = io.inputs[0]!;
          const rel = io.relevanceOutputs[0]!;
          const out = io.relevanceInputs[0]!;
          const nIn = io.rows * inH * inW * C;
          const nOut = nIn * sh * sw;
          const xd = Float64Array.from(x.subarray(0, nIn));
          const s = new Float64Array(nOut);
          upSampleBilinearJs(xd, s, io.rows, taps);
          for (let j = 0; j < nOut; j++) s[j] = s[j] === 0 ? 0 : rel[j]! / s[j]!;
          const back = new Float64Array(nIn);
          upSampleBilinearBackwardJs(s, back, io.rows, taps);
          for (let i = 0; i < nIn; i++) out[i] = xd[i]! * back[i]!;
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
