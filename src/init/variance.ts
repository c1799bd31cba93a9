import {
  fillTruncatedNormal,
  makeInitializer,
  TRUNCATED_NORMAL_STD,
  type Initializer,
} from './initializer.js';

/** The config of an initializer that has no settings. */
export type NoConfig = Record<string, never>;

/**
 * Glorot (Xavier) uniform initializer: U[−limit, limit] with
 * limit = sqrt(6 / (fanIn + fanOut)), so Var = 2 / (fanIn + fanOut).
 * Keras `GlorotUniform` (the default kernel initializer of Keras and of
 * myelin's dense); `torch.nn.init.xavier_uniform_` with gain 1.
 * Glorot and Bengio 2010, "Understanding the difficulty of training deep
 * feedforward neural networks", https://proceedings.mlr.press/v9/glorot10a.html
 *
 * @example
 * ```ts
 * import { glorotUniform, createRng } from 'myelin';
 * const w = glorotUniform().init([3, 4], { rng: createRng(0) }); // |w| <= sqrt(6/7)
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function glorotUniform(): Initializer<'glorotUniform', NoConfig> {
  return makeInitializer('glorotUniform', {}, (r) => {
    const limit = Math.sqrt(6 / (r.fanIn + r.fanOut));
    for (let i = 0; i < r.data.length; i++) r.data[i] = r.rng.uniform(-limit, limit);
  });
}

/**
 * Glorot (Xavier) normal initializer, truncated as Keras `GlorotNormal`:
 * target std σ = sqrt(2 / (fanIn + fanOut)); draws mean 0 and std
 * σ / 0.87962566103423978 truncated to two of those stds (values beyond are
 * redrawn), so the result has std σ. (PyTorch's `xavier_normal_` is not
 * truncated.) Glorot and Bengio 2010,
 * https://proceedings.mlr.press/v9/glorot10a.html
 *
 * @example
 * ```ts
 * import { glorotNormal, createRng } from 'myelin';
 * glorotNormal().init([3, 4], { rng: createRng(0) });
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function glorotNormal(): Initializer<'glorotNormal', NoConfig> {
  return makeInitializer('glorotNormal', {}, (r) => {
    fillTruncatedNormal(
      r.data,
      r.rng,
      0,
      Math.sqrt(2 / (r.fanIn + r.fanOut)) / TRUNCATED_NORMAL_STD,
    );
  });
}

/**
 * He (Kaiming) uniform initializer: U[−limit, limit] with
 * limit = sqrt(6 / fanIn), so Var = 2 / fanIn, suited to ReLU layers. Keras
 * `HeUniform`; `torch.nn.init.kaiming_uniform_` with a = 0, mode 'fan_in'.
 * He et al. 2015, "Delving Deep into Rectifiers", arXiv:1502.01852.
 *
 * @example
 * ```ts
 * import { heUniform, createRng } from 'myelin';
 * heUniform().init([64, 32], { rng: createRng(0) });
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function heUniform(): Initializer<'heUniform', NoConfig> {
  return makeInitializer('heUniform', {}, (r) => {
    const limit = Math.sqrt(6 / r.fanIn);
    for (let i = 0; i < r.data.length; i++) r.data[i] = r.rng.uniform(-limit, limit);
  });
}

/**
 * He (Kaiming) normal initializer, truncated as Keras `HeNormal`: target std
 * σ = sqrt(2 / fanIn), drawn as a normal of std σ / 0.87962566103423978
 * truncated (by redrawing) to two of those stds, so the result has std σ.
 * (PyTorch's `kaiming_normal_` is not truncated.) He et al. 2015,
 * arXiv:1502.01852.
 *
 * @example
 * ```ts
 * import { heNormal, createRng } from 'myelin';
 * heNormal().init([64, 32], { rng: createRng(0) });
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function heNormal(): Initializer<'heNormal', NoConfig> {
  return makeInitializer('heNormal', {}, (r) => {
    fillTruncatedNormal(r.data, r.rng, 0, Math.sqrt(2 / r.fanIn) / TRUNCATED_NORMAL_STD);
  });
}

/**
 * LeCun normal initializer, truncated as Keras `LecunNormal`: target std
 * σ = sqrt(1 / fanIn), drawn as a normal of std σ / 0.87962566103423978
 * truncated (by redrawing) to two of those stds, so the result has std σ;
 * the initializer SELU networks assume. LeCun, Bottou, Orr and Müller 1998,
 * "Efficient BackProp", https://doi.org/10.1007/3-540-49430-8_2
 *
 * @example
 * ```ts
 * import { lecunNormal, createRng } from 'myelin';
 * lecunNormal().init([64, 32], { rng: createRng(0) });
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function lecunNormal(): Initializer<'lecunNormal', NoConfig> {
  return makeInitializer('lecunNormal', {}, (r) => {
    fillTruncatedNormal(r.data, r.rng, 0, Math.sqrt(1 / r.fanIn) / TRUNCATED_NORMAL_STD);
  });
}
