package org.pytree4j.optim;

import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.KeyEntry;
import org.pytree4j.KeyPath;
import org.pytree4j.optim.kernels.ElementwiseOp;
import org.pytree4j.optim.kernels.GlobalNormClip;

/**
 * Optax's {@code MultiSteps(opt, every_k_schedule, use_grad_mean=True, should_skip_update_fn=None,
 * accumulator_dtype=float32)}: gradient accumulation. Each update (a mini-step) adds its gradients
 * to {@code acc_grads}; every {@code k}-th one passes the accumulated gradients (their mean, or sum)
 * to {@code opt}, returns its updates and sets {@code acc_grads} back to zero; the others return zero
 * updates and leave {@code opt}'s state as it is. {@code k = every_k_schedule(gradient_step)}.
 * State: {@link MultiStepsState}. Per element, with {@code n} the mini-step:
 * <pre>
 *   acc = acc + (g - acc) / (n + 1)       (use_grad_mean=False: acc = g + acc)
 * </pre>
 *
 * <p>In a fused step ({@link Optax#step}, a train state's {@code applyGradients}, donated or not) a
 * mini-step reads the gradients and {@code acc_grads} and writes {@code acc_grads} (in place when
 * donated); it reads and writes nothing else, and the params it returns are the very arrays it was
 * given. The last mini-step of a gradient step adds to {@code acc_grads}, runs {@code opt} on the sum
 * and sets {@code acc_grads} to zero in one pass with {@code opt}'s ops; when {@code opt} starts with a
 * {@code clip_by_global_norm}, whose norm is that of the accumulated gradients, that takes two.
 *
 * <p>Differences from Optax, whose {@code update} computes {@code opt}'s update at every mini-step
 * (one program under {@code jit}) and multiplies by {@code emit}: a mini-step here does not run
 * {@code opt}; its updates are zeros ({@code -0.0}, so that {@code p + u} keeps every param's bits;
 * Optax's {@code 0 * u} is {@code -0.0} or {@code +0.0} by the sign of {@code u}, and NaN where
 * {@code u} is not finite); and {@code acc_grads} is set back to {@code +0.0} (Optax's
 * {@code 0 * acc} keeps the signs, and a NaN).
 */
public final class MultiSteps extends AbstractTransformation {
  private static final KeyEntry INNER = new KeyEntry.GetAttrKey("innerOptState");
  private static final KeyPath ACC = KeyPath.root().attr("accGrads");

  private final GradientTransformation inner;
  private final IntUnaryOperator everyK;
  private final String everyKDescription;
  private final boolean useGradMean;
  private final ShouldSkipUpdate shouldSkipUpdate;
  private final DataType accumulatorDtype;

  MultiSteps(GradientTransformation inner, IntUnaryOperator everyK, String everyKDescription, boolean useGradMean,
      ShouldSkipUpdate shouldSkipUpdate, DataType accumulatorDtype) {
    if (inner == null || everyK == null) {
      throw new IllegalArgumentException("MultiSteps needs an optimizer and every_k_schedule, not null");
    }
    this.inner = inner;
    this.everyK = everyK;
    this.everyKDescription = everyKDescription;
    this.useGradMean = useGradMean;
    this.shouldSkipUpdate = shouldSkipUpdate;
    this.accumulatorDtype = FloatTypes.requireFloatingOrNull(accumulatorDtype, "accumulator_dtype");
  }

  /** Whether the accumulated gradients are averaged (true, the default) or summed. */
  public MultiSteps useGradMean(boolean useGradMean) {
    return new MultiSteps(inner, everyK, everyKDescription, useGradMean, shouldSkipUpdate, accumulatorDtype);
  }

  /**
   * Skips the mini-steps {@code shouldSkipUpdate} says to, as if they never happened (e.g.
   * {@link ShouldSkipUpdate#skipNotFinite()}); null (the default) skips none.
   */
  public MultiSteps shouldSkipUpdate(ShouldSkipUpdate shouldSkipUpdate) {
    return new MultiSteps(inner, everyK, everyKDescription, useGradMean, shouldSkipUpdate, accumulatorDtype);
  }

  /** The dtype of {@code acc_grads}: float32 (the default), or null for the params' dtype. */
  public MultiSteps accumulatorDtype(DataType accumulatorDtype) {
    return new MultiSteps(inner, everyK, everyKDescription, useGradMean, shouldSkipUpdate, accumulatorDtype);
  }

  /** Optax's {@code inner_opt}: the wrapped optimizer. */
  public GradientTransformation innerOpt() {
    return inner;
  }

  /** Optax's {@code gradient_transformation()}: this, which is one already. */
  public GradientTransformation gradientTransformation() {
    return this;
  }

  /**
   * Optax's {@code has_updated(state)}: true when the update that made {@code state} was the last
   * mini-step of a gradient step ({@code mini_step == 0 and gradient_step > 0}).
   */
  public boolean hasUpdated(OptState state) {
    if (!(state instanceof MultiStepsState s)) {
      throw new IllegalArgumentException("has_updated needs a MultiStepsState, not "
          + (state == null ? "None (null)" : state.getClass().getSimpleName()));
    }
    return s.miniStep() == 0 && s.gradientStep() > 0;
  }

  @Override
  public MultiStepsState init(Object params) {
    Object accGrads = UpdateTrees.zerosLike(params, accumulatorDtype);
    Object skipState = shouldSkipUpdate == null ? List.of()
        : decision(UpdateTrees.zerosLike(params, null), 0, params).skipState();
    return new MultiStepsState(0, 0, inner.init(params), accGrads, skipState);
  }

  @Override
  void check(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    MultiStepsState s = stateAs(state, MultiStepsState.class, "MultiSteps");
    k(s.gradientStep());
    UpdateTrees.Flat u = UpdateTrees.flatten(updates, "updates");
    UpdateTrees.stateLeaves(u, s.accGrads(), ACC);
    // the optimizer sees the accumulated gradients cast to the updates' dtypes: the updates' structure, shapes and dtypes
    checkPart(inner, updates, s.innerOptState(), params, extraArgs, INNER);
  }

  @Override
  UpdateResult apply(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    MultiStepsState s = (MultiStepsState) state;
    int k = k(s.gradientStep());
    ShouldSkipUpdate.Decision d = decision(updates, s.gradientStep(), params);
    if (d.skip()) {
      return new UpdateResult(ZeroUpdates.like(updates), s.withSkipState(d.skipState()));
    }
    int n = s.miniStep();
    int nextMini = Numerics.safeIncrement(n) % k;
    UpdateTrees.Flat u = UpdateTrees.flattenChecked(updates);
    List<Object> accs = u.def.flattenUpTo(s.accGrads());
    Object[] summed = new Object[u.size()];
    Object[] cast = new Object[u.size()];
    for (int i = 0; i < summed.length; i++) {
      INDArray g = u.array(i);
      if (g == null) {
        continue;
      }
      INDArray acc = (INDArray) accs.get(i);
      DataType stored = accumulatorDtype != null ? accumulatorDtype : FloatTypes.promote(g.dataType(), acc.dataType());
      if (LeafBuffers.allFloat32(g, acc)) {
        float[] gf = LeafBuffers.readFloats(g);
        AccumulateOp.accumulate(gf, LeafBuffers.readFloats(acc), n, useGradMean, 0, gf.length);
        cast[i] = LeafBuffers.writeFloats(gf, g.shape());
        summed[i] = stored == DataType.FLOAT ? cast[i] : LeafBuffers.write(toDoubles(gf), g.shape(), stored);
      } else {
        double[] gd = LeafBuffers.read(g);
        AccumulateOp.accumulate(gd, LeafBuffers.read(acc), n, useGradMean, 0, gd.length);
        summed[i] = LeafBuffers.write(gd, g.shape(), stored);
        cast[i] = stored == g.dataType() ? summed[i] : LeafBuffers.write(gd, g.shape(), g.dataType());
      }
    }
    if (n != k - 1) {
      return new UpdateResult(ZeroUpdates.like(updates),
          new MultiStepsState(nextMini, s.gradientStep(), s.innerOptState(), u.unflatten(summed), d.skipState()));
    }
    UpdateResult r = applyPart(inner, inner instanceof AbstractTransformation, u.unflatten(cast), s.innerOptState(),
        params, extraArgs, INNER);
    Object zeros = UpdateTrees.zerosLike(u.unflatten(summed), null);
    return new UpdateResult(r.updates(),
        new MultiStepsState(nextMini, Numerics.safeIncrement(s.gradientStep()), r.state(), zeros, d.skipState()));
  }

  @Override
  FusedPart fuseOnGrads(OptState state, Map<String, ?> extraArgs, Object grads, Object params) {
    MultiStepsState s = (MultiStepsState) state;
    int k = k(s.gradientStep());
    ShouldSkipUpdate.Decision d = decision(grads, s.gradientStep(), params);
    if (d.skip()) {
      return FusedPart.of(new ZeroUpdates.Op(), s.withSkipState(d.skipState()));
    }
    int n = s.miniStep();
    int nextMini = Numerics.safeIncrement(n) % k;
    List<ElementwiseOp> accumulate = useGradMean ? List.of(new AccumulateOp(n)) : List.of();
    if (n != k - 1) {
      return FusedPart.intoTarget(accumulate, s.accGrads(),
          acc -> new MultiStepsState(nextMini, s.gradientStep(), s.innerOptState(), acc, d.skipState()));
    }
    FusedPart innerPart = fusePart(inner, s.innerOptState(), extraArgs);
    if (innerPart == null) {
      return null;
    }
    int nextGradientStep = Numerics.safeIncrement(s.gradientStep());
    java.util.function.BiFunction<Object, OptState, OptState> newState =
        (zeros, innerState) -> new MultiStepsState(nextMini, nextGradientStep, innerState, zeros, d.skipState());
    if (innerPart.ops.isEmpty() || !(innerPart.ops.get(0) instanceof GlobalNormClip)) {
      return FusedPart.withStateOp(innerPart, 0, new FinalAccumulateOp(n, useGradMean), s.accGrads(), newState);
    }
    // the clip's norm is that of the accumulated gradients: accumulate first, then the optimizer on
    // them, which sets acc_grads (the old arrays, donated with the step) to zero after the clip
    return FusedPart.twoPasses(FusedPart.intoTarget(accumulate, s.accGrads(), acc -> null),
        acc -> FusedPart.withStateOp(innerPart, 1, new ZeroStateOp(), s.accGrads(), newState));
  }

  /** {@code every_k_schedule(gradient_step)}, at least 1. */
  private int k(int gradientStep) {
    int k = everyK.applyAsInt(gradientStep);
    if (k < 1) {
      throw new IllegalArgumentException("every_k_schedule(" + gradientStep + ") of MultiSteps is " + k
          + "; a gradient step needs at least 1 mini-step");
    }
    return k;
  }

  private ShouldSkipUpdate.Decision decision(Object updates, int gradientStep, Object params) {
    if (shouldSkipUpdate == null) {
      return new ShouldSkipUpdate.Decision(false, List.of());
    }
    ShouldSkipUpdate.Decision d = shouldSkipUpdate.decide(updates, gradientStep, params);
    if (d == null) {
      throw new IllegalArgumentException("the should_skip_update function of MultiSteps returned None (null);"
          + " it returns a Decision(skip, skipState)");
    }
    return d;
  }

  private static double[] toDoubles(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  /**
   * A mini-step into {@code acc_grads}, which the fused step holds in place of the params (so that it
   * adds {@code p + u}): {@code u = (g - acc) / (n + 1)}, Optax's {@code acc + (g - acc) / (n + 1)} in its order.
   */
  record AccumulateOp(int n) implements ElementwiseOp.Custom {
    @Override
    public int stateTrees() {
      return 0;
    }

    @Override
    public boolean readsParams() {
      return true;
    }

    @Override
    public void runFloat32(float[] u, float[][] state, float[] p, int from, int to) {
      float count = (float) (n + 1L);
      for (int i = from; i < to; i++) {
        u[i] = (u[i] - p[i]) / count;
      }
    }

    @Override
    public void runFloat64(double[] u, double[][] state, double[] p, int from, int to) {
      double count = n + 1L;
      for (int i = from; i < to; i++) {
        u[i] = (u[i] - p[i]) / count;
      }
    }

    /** {@code g = acc + (g - acc) / (n + 1)} (or {@code g + acc}) in float32, as the fused mini-step adds it. */
    static void accumulate(float[] g, float[] acc, int n, boolean mean, int from, int to) {
      float count = (float) (n + 1L);
      for (int i = from; i < to; i++) {
        g[i] = mean ? acc[i] + (g[i] - acc[i]) / count : g[i] + acc[i];
      }
    }

    /** {@link #accumulate(float[], float[], int, boolean, int, int)} in float64. */
    static void accumulate(double[] g, double[] acc, int n, boolean mean, int from, int to) {
      double count = n + 1L;
      for (int i = from; i < to; i++) {
        g[i] = mean ? acc[i] + (g[i] - acc[i]) / count : g[i] + acc[i];
      }
    }
  }

  /**
   * The last mini-step, ahead of the optimizer's ops: {@code u} becomes the accumulated gradients and
   * {@code acc_grads} (its state tree) zero.
   */
  record FinalAccumulateOp(int n, boolean mean) implements ElementwiseOp.Custom {
    @Override
    public int stateTrees() {
      return 1;
    }

    @Override
    public boolean readsParams() {
      return false;
    }

    @Override
    public void runFloat32(float[] u, float[][] state, float[] p, int from, int to) {
      float[] acc = state[0];
      AccumulateOp.accumulate(u, acc, n, mean, from, to);
      java.util.Arrays.fill(acc, from, to, 0f);
    }

    @Override
    public void runFloat64(double[] u, double[][] state, double[] p, int from, int to) {
      double[] acc = state[0];
      AccumulateOp.accumulate(u, acc, n, mean, from, to);
      java.util.Arrays.fill(acc, from, to, 0.0);
    }
  }

  /** Sets its state tree ({@code acc_grads}) to zero; the updates pass through. */
  record ZeroStateOp() implements ElementwiseOp.Custom {
    @Override
    public int stateTrees() {
      return 1;
    }

    @Override
    public boolean readsParams() {
      return false;
    }

    @Override
    public void runFloat32(float[] u, float[][] state, float[] p, int from, int to) {
      java.util.Arrays.fill(state[0], from, to, 0f);
    }

    @Override
    public void runFloat64(double[] u, double[][] state, double[] p, int from, int to) {
      java.util.Arrays.fill(state[0], from, to, 0.0);
    }
  }

  @Override
  public String toString() {
    return "MultiSteps(" + inner + ", every_k_schedule=" + everyKDescription
        + (useGradMean ? "" : ", use_grad_mean=false")
        + (shouldSkipUpdate == null ? "" : ", should_skip_update_fn=" + shouldSkipUpdate)
        + (accumulatorDtype == DataType.FLOAT ? "" : ", accumulator_dtype="
            + (accumulatorDtype == null ? "None" : FloatTypes.name(accumulatorDtype))) + ")";
  }
}
