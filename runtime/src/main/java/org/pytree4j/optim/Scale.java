package org.pytree4j.optim;

import static org.pytree4j.optim.Hyperparam.STEP_SIZE;

import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.optim.kernels.ScaleOp;
import org.pytree4j.optim.schedule.Schedule;
import org.pytree4j.optim.schedule.StatefulSchedule;

/**
 * Optax's {@code scale(step_size)}: {@code u = step_size * g} for every leaf. State:
 * {@link EmptyState}. Hyperparameter: {@code step_size}.
 */
public final class Scale extends InjectableTransformation<Scale> {

  Scale(Map<Hyperparam, ?> values) {
    super("scale", List.of(STEP_SIZE), values);
  }

  /** The factor ({@code step_size}). */
  public Scale stepSize(double stepSize) {
    return with(STEP_SIZE, stepSize);
  }

  /** {@code step_size} from a schedule (inside {@code injectHyperparams}). */
  public Scale stepSize(Schedule stepSize) {
    return with(STEP_SIZE, stepSize);
  }

  /** {@code step_size} from a stateful schedule (inside {@code injectHyperparams}). */
  public Scale stepSize(StatefulSchedule<?> stepSize) {
    return with(STEP_SIZE, stepSize);
  }

  @Override
  Scale withHyperparams(Map<Hyperparam, Object> values) {
    return new Scale(values);
  }

  @Override
  public OptState init(Object params) {
    requireConstants();
    return new EmptyState();
  }

  @Override
  void check(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    requireConstants();
    stateAs(state, EmptyState.class, "scale");
    UpdateTrees.flatten(updates, "updates");
  }

  @Override
  UpdateResult apply(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    return new UpdateResult(scaled(updates, constant(STEP_SIZE)), state);
  }

  @Override
  FusedPart fuse(OptState state, Map<String, ?> extraArgs) {
    if (!(state instanceof EmptyState)) {
      return null;
    }
    return FusedPart.of(new ScaleOp(constant(STEP_SIZE)), state);
  }

  /** {@code factor * g} for every array leaf of checked {@code updates}; None stays None. */
  static Object scaled(Object updates, double factor) {
    ScaleOp op = new ScaleOp(factor);
    UpdateTrees.Flat u = UpdateTrees.flattenChecked(updates);
    Object[] out = new Object[u.size()];
    for (int i = 0; i < out.length; i++) {
      INDArray g = u.array(i);
      if (g != null && LeafBuffers.allFloat32(g)) {
        float[] gf = LeafBuffers.readFloats(g);
        op.runFloat32(gf, null, null, 0, gf.length);
        out[i] = LeafBuffers.writeFloats(gf, g.shape());
      } else if (g != null) {
        double[] gd = LeafBuffers.read(g);
        op.runFloat64(gd, null, null, 0, gd.length);
        out[i] = LeafBuffers.write(gd, g.shape(), g.dataType());
      }
    }
    return u.unflatten(out);
  }
}
