/**
 * A learning-rate schedule: `rate(step)` gives the rate for optimizer step
 * `step` (0-based count of updates done before this one). `kind` and
 * `config` are what gets saved, so a resumed run continues on the same curve.
 */
export interface Schedule {
  readonly kind: string;
  readonly config: Readonly<Record<string, number>>;
  /** The learning rate for optimizer step `step` (0-based). */
  rate(step: number): number;
}

/** A learning rate: a constant number or a {@link Schedule}. */
export type LearningRate = number | Schedule;
