import type { FloatArray } from '../../_lib/typed.js';

// Normalization kernels over row-major [m, c] matrices (channels last, so
// the channel index runs fastest). Batch normalization takes statistics per
// channel over the m rows; layer normalization per row over the c channels.
// Sums are accumulated in doubles whatever the element type, and variances
// are taken in two passes (Σ(x − mean)² after the mean), which avoids the
// cancellation of E[x²] − E[x]².

/**
 * Per-channel mean and biased variance (divided by m, as tf.nn.moments and
 * Keras's BatchNormalization) of x [m, c]: `mean[j] = Σ_i x[i,j] / m`,
 * `variance[j] = Σ_i (x[i,j] − mean[j])² / m`. Requires m ≥ 1.
 */
export function channelMoments(
  x: FloatArray,
  m: number,
  c: number,
  mean: Float64Array,
  variance: Float64Array,
): void {
  mean.fill(0, 0, c);
  variance.fill(0, 0, c);
  for (let i = 0; i < m; i++) {
    const o = i * c;
    for (let j = 0; j < c; j++) mean[j] = mean[j]! + x[o + j]!;
  }
  for (let j = 0; j < c; j++) mean[j] = mean[j]! / m;
  for (let i = 0; i < m; i++) {
    const o = i * c;
    for (let j = 0; j < c; j++) {
      const d = x[o + j]! - mean[j]!;
      variance[j] = variance[j]! + d * d;
    }
  }
  for (let j = 0; j < c; j++) variance[j] = variance[j]! / m;
}

/**
 * The normalization of batch norm for given per-channel statistics:
 * `xhat[i,j] = (x[i,j] − mean[j]) · invStd[j]`, `y[i,j] = gamma[j]·xhat[i,j] + beta[j]`
 * (gamma taken as 1 and beta as 0 when null). `xhat` receives the normalized
 * input for the backward pass.
 */
export function normalizeChannels(
  x: FloatArray,
  m: number,
  c: number,
  mean: ArrayLike<number>,
  invStd: ArrayLike<number>,
  gamma: FloatArray | null,
  beta: FloatArray | null,
  y: FloatArray,
  xhat: FloatArray,
): void {
  for (let i = 0; i < m; i++) {
    const o = i * c;
    for (let j = 0; j < c; j++) {
      const h = (x[o + j]! - mean[j]!) * invStd[j]!;
      xhat[o + j] = h;
      y[o + j] = (gamma === null ? h : gamma[j]! * h) + (beta === null ? 0 : beta[j]!);
    }
  }
}

/**
 * Gradients of y = gamma·xhat + beta with respect to gamma and beta, summed
 * over the m rows: `gGamma[j] = Σ_i gy[i,j]·xhat[i,j]`, `gBeta[j] = Σ_i gy[i,j]`.
 * Writes each non-null output; `sums` (2c doubles) holds the sums, which
 * the input gradient of batch norm reuses.
 */
export function scaleShiftGrads(
  gy: FloatArray,
  xhat: FloatArray,
  m: number,
  c: number,
  sums: Float64Array,
  gGamma: FloatArray | null,
  gBeta: FloatArray | null,
): void {
  // sums[0..c) = Σ gy, sums[c..2c) = Σ gy·xhat
  sums.fill(0, 0, 2 * c);
  for (let i = 0; i < m; i++) {
    const o = i * c;
    for (let j = 0; j < c; j++) {
      const g = gy[o + j]!;
      sums[j] = sums[j]! + g;
      sums[c + j] = sums[c + j]! + g * xhat[o + j]!;
    }
  }
  if (gBeta !== null) for (let j = 0; j < c; j++) gBeta[j] = sums[j]!;
  if (gGamma !== null) for (let j = 0; j < c; j++) gGamma[j] = sums[c + j]!;
}

/**
 * Input gradient of batch norm. With batch statistics (training), the mean
 * and variance depend on every row, and with k = gamma[j]·invStd[j]:
 *
 *   gx[i,j] = k/m · (m·gy[i,j] − Σ_i gy[i,j] − xhat[i,j]·Σ_i gy[i,j]·xhat[i,j])
 *
 * (Ioffe and Szegedy 2015, arXiv:1502.03167, section 3). With running
 * statistics (inference) they are constants and gx[i,j] = k·gy[i,j]. `sums`
 * is what {@link scaleShiftGrads} left there.
 */
export function batchNormInputGrad(
  gy: FloatArray,
  xhat: FloatArray,
  m: number,
  c: number,
  invStd: ArrayLike<number>,
  gamma: FloatArray | null,
  sums: Float64Array,
  batchStats: boolean,
  gx: FloatArray,
): void {
  for (let i = 0; i < m; i++) {
    const o = i * c;
    for (let j = 0; j < c; j++) {
      const k = (gamma === null ? 1 : gamma[j]!) * invStd[j]!;
      gx[o + j] = batchStats
        ? (k / m) * (m * gy[o + j]! - sums[j]! - xhat[o + j]! * sums[c + j]!)
        : k * gy[o + j]!;
    }
  }
}

/**
 * Layer normalization forward over each of the m rows of x [m, c]:
 * `mean_i = Σ_j x[i,j] / c`, `var_i = Σ_j (x[i,j] − mean_i)² / c`,
 * `invStd[i] = 1/√(var_i + epsilon)`, `xhat = (x − mean_i)·invStd[i]`,
 * `y = gamma[j]·xhat + beta[j]` (gamma 1 and beta 0 when null).
 */
export function layerNormForward(
  x: FloatArray,
  m: number,
  c: number,
  epsilon: number,
  gamma: FloatArray | null,
  beta: FloatArray | null,
  y: FloatArray,
  xhat: FloatArray,
  invStd: FloatArray,
): void {
  for (let i = 0; i < m; i++) {
    const o = i * c;
    let s = 0;
    for (let j = 0; j < c; j++) s += x[o + j]!;
    const mean = s / c;
    let v = 0;
    for (let j = 0; j < c; j++) {
      const d = x[o + j]! - mean;
      v += d * d;
    }
    const r = 1 / Math.sqrt(v / c + epsilon);
    invStd[i] = r;
    for (let j = 0; j < c; j++) {
      const h = (x[o + j]! - mean) * r;
      xhat[o + j] = h;
      y[o + j] = (gamma === null ? h : gamma[j]! * h) + (beta === null ? 0 : beta[j]!);
    }
  }
}

/**
 * Input gradient of layer normalization, row by row, with d = gamma[j]·gy[i,j]
 * (the gradient with respect to xhat):
 *
 *   gx[i,j] = invStd[i]/c · (c·d[i,j] − Σ_j d[i,j] − xhat[i,j]·Σ_j d[i,j]·xhat[i,j])
 *
 * (Ba, Kiros and Hinton 2016, arXiv:1607.06450; the same algebra as batch
 * norm's, over the other axis).
 */
export function layerNormInputGrad(
  gy: FloatArray,
  xhat: FloatArray,
  m: number,
  c: number,
  invStd: FloatArray,
  gamma: FloatArray | null,
  gx: FloatArray,
): void {
  for (let i = 0; i < m; i++) {
    const o = i * c;
    let sd = 0;
    let sdx = 0;
    for (let j = 0; j < c; j++) {
      const d = gamma === null ? gy[o + j]! : gamma[j]! * gy[o + j]!;
      sd += d;
      sdx += d * xhat[o + j]!;
    }
    const k = invStd[i]! / c;
    for (let j = 0; j < c; j++) {
      const d = gamma === null ? gy[o + j]! : gamma[j]! * gy[o + j]!;
      gx[o + j] = k * (c * d - sd - xhat[o + j]! * sdx);
    }
  }
}
