package org.pytree4j.optim;

import static org.pytree4j.optim.Hyperparam.MAX_NORM;

import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.optim.kernels.ClipOp;
import org.pytree4j.optim.kernels.GlobalNormClip;
import org.pytree4j.optim.kernels.SumOfSquares;
import org.pytree4j.optim.schedule.Schedule;

/**
 * Optax's {@code clip_by_global_norm(max_norm)}: with {@code g_norm = sqrt(sum of g^2 over every
 * leaf)}, the updates are unchanged when {@code g_norm < max_norm} and otherwise each leaf becomes
 * {@code (g / g_norm) * max_norm}. State: {@link EmptyState}. Hyperparameter: {@code max_norm}.
 *
 * <p>The sum of squares is accumulated in float64 (Optax accumulates in the updates' dtype); for
 * float32 leaves each chunk of {@value SumOfSquares#CHUNK} squares is first summed in float32
 * ({@link SumOfSquares}); the trigger and the per-element clip are {@link GlobalNormClip}'s.
 */
public final class ClipByGlobalNorm extends InjectableTransformation<ClipByGlobalNorm> {

  ClipByGlobalNorm(Map<Hyperparam, ?> values) {
    super("clip_by_global_norm", List.of(MAX_NORM), values);
  }

  public ClipByGlobalNorm maxNorm(double maxNorm) {
    return with(MAX_NORM, maxNorm);
  }

  public ClipByGlobalNorm maxNorm(Schedule maxNorm) {
    return with(MAX_NORM, maxNorm);
  }

  @Override
  ClipByGlobalNorm withHyperparams(Map<Hyperparam, Object> values) {
    return new ClipByGlobalNorm(values);
  }

  @Override
  public OptState init(Object params) {
    requireConstants();
    return new EmptyState();
  }

  @Override
  void check(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    requireConstants();
    stateAs(state, EmptyState.class, "clip_by_global_norm");
    UpdateTrees.flatten(updates, "updates");
  }

  @Override
  UpdateResult apply(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    GlobalNormClip clip = new GlobalNormClip(constant(MAX_NORM), false);
    UpdateTrees.Flat u = UpdateTrees.flattenChecked(updates);
    Object[] leaves = new Object[u.size()];
    double sumOfSquares = 0;
    for (int i = 0; i < leaves.length; i++) {
      INDArray g = u.array(i);
      if (g != null && LeafBuffers.allFloat32(g)) {
        float[] gf = LeafBuffers.readFloats(g);
        leaves[i] = gf;
        sumOfSquares += SumOfSquares.ofFloat32(gf, 0, gf.length);
      } else if (g != null) {
        double[] gd = LeafBuffers.read(g);
        leaves[i] = gd;
        sumOfSquares += SumOfSquares.ofFloat64(gd, 0, gd.length);
      }
    }
    ClipOp op = clip.resolve(Math.sqrt(sumOfSquares));
    if (op == null) {
      return new UpdateResult(updates, state);
    }
    Object[] out = new Object[leaves.length];
    for (int i = 0; i < out.length; i++) {
      INDArray g = u.array(i);
      if (leaves[i] instanceof float[] gf) {
        op.runFloat32(gf, null, null, 0, gf.length);
        out[i] = LeafBuffers.writeFloats(gf, g.shape());
      } else if (leaves[i] instanceof double[] gd) {
        op.runFloat64(gd, null, null, 0, gd.length);
        out[i] = LeafBuffers.write(gd, g.shape(), g.dataType());
      }
    }
    return new UpdateResult(u.unflatten(out), state);
  }

  @Override
  FusedPart fuse(OptState state, Map<String, ?> extraArgs) {
    if (!(state instanceof EmptyState)) {
      return null;
    }
    return FusedPart.of(new GlobalNormClip(constant(MAX_NORM), false), state);
  }
}
