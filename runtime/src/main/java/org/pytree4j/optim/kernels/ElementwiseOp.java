package org.pytree4j.optim.kernels;

/**
 * What one elementwise transformation does to every element of an optimizer step, as a value: the
 * backend-neutral description that a transformation gives and that every backend (these array
 * loops, the Vector API kernels, the native kernel) dispatches on.
 *
 * <p>An op reads and rewrites the updates {@code u} in place, reads and rewrites its own state trees
 * (each shaped like the updates: adam's {@code mu} and {@code nu}) in place, and may read the params.
 * The {@code float32} form rounds its scalars to float32 once and does every operation in float32,
 * as Optax computes float32 leaves; the {@code float64} form is the same arithmetic in double, for
 * leaves of other dtypes (each result is then rounded once to its leaf's dtype by the caller). The
 * faster backends give the float32 form's bits exactly; each checks that on start-up.
 *
 * <p>A new transformation whose update is elementwise implements {@link Custom}: it then runs in the
 * fused step's Java pass with no change anywhere else.
 */
public sealed interface ElementwiseOp
    permits AdamOp, TraceOp, ScaleOp, DecayOp, ClipOp, GlobalNormClip, ElementwiseOp.Custom {

  /** How many state trees the op reads and writes, in order (adam: {@code mu}, {@code nu}). */
  int stateTrees();

  /** True when the op reads the params. */
  boolean readsParams();

  /**
   * Elements {@code [from, to)} in float32: {@code u} and {@code state[k]} are rewritten in place,
   * {@code p} is read only (null when the op does not read the params).
   */
  void runFloat32(float[] u, float[][] state, float[] p, int from, int to);

  /** {@link #runFloat32} in float64. */
  void runFloat64(double[] u, double[][] state, double[] p, int from, int to);

  /** True when the op touches nothing but the updates (a scale): it needs no memory of its own. */
  default boolean updatesOnly() {
    return stateTrees() == 0 && !readsParams();
  }

  /**
   * The generic per-element form, for transformations that none of the ops above describes. Implement
   * both methods with the same operations in the same order (the fused and unfused steps call the
   * same code, so they give the same bits).
   */
  non-sealed interface Custom extends ElementwiseOp {}
}
