package org.pytree4j.optim;

import static org.pytree4j.optim.Hyperparam.WEIGHT_DECAY;

import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.optim.schedule.Schedule;

/**
 * Optax's {@code add_decayed_weights(weight_decay=0.0, mask=None)}: {@code u = g + weight_decay * p}
 * per element (needs the params). With a mask it is Optax's
 * {@code masked(add_decayed_weights(weight_decay), mask)}: only leaves where the mask is true are
 * decayed. State: {@link EmptyState}, or {@link MaskedState} with a mask. Hyperparameter:
 * {@code weight_decay}; static: {@code mask}.
 */
public final class AddDecayedWeights extends InjectableTransformation<AddDecayedWeights> {
  private final Mask mask;

  AddDecayedWeights(Map<Hyperparam, ?> values, Mask mask) {
    super("add_decayed_weights", List.of(WEIGHT_DECAY), values);
    this.mask = mask;
  }

  public AddDecayedWeights weightDecay(double weightDecay) {
    return with(WEIGHT_DECAY, weightDecay);
  }

  public AddDecayedWeights weightDecay(Schedule weightDecay) {
    return with(WEIGHT_DECAY, weightDecay);
  }

  /** Decay only where {@code mask} is true; null decays every leaf. */
  public AddDecayedWeights mask(Mask mask) {
    return new AddDecayedWeights(hyperparams(), mask);
  }

  @Override
  AddDecayedWeights withHyperparams(Map<Hyperparam, Object> values) {
    return new AddDecayedWeights(values, mask);
  }

  private GradientTransformation masked() {
    return new Masked(new AddDecayedWeights(hyperparams(), null), mask);
  }

  @Override
  public OptState init(Object params) {
    requireConstants();
    return mask == null ? new EmptyState() : masked().init(params);
  }

  @Override
  void check(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    requireConstants();
    if (mask != null) {
      checkPart(masked(), updates, state, params, extraArgs);
      return;
    }
    stateAs(state, EmptyState.class, "add_decayed_weights");
    UpdateTrees.paramsLeaves(UpdateTrees.flatten(updates, "updates"), params, "add_decayed_weights");
  }

  @Override
  UpdateResult apply(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    if (mask != null) {
      return applyPart(masked(), true, updates, state, params, extraArgs);
    }
    double weightDecay = constant(WEIGHT_DECAY);
    UpdateTrees.Flat u = UpdateTrees.flattenChecked(updates);
    List<Object> ps = u.def.flattenUpTo(params);
    Object[] out = new Object[u.size()];
    for (int i = 0; i < out.length; i++) {
      INDArray g = u.array(i);
      if (g != null) {
        INDArray p = (INDArray) ps.get(i);
        if (LeafBuffers.allFloat32(g, p)) {
          float[] gf = LeafBuffers.readFloats(g);
          kernel(gf, LeafBuffers.readFloats(p), gf, 0, gf.length, weightDecay);
          out[i] = LeafBuffers.writeFloats(gf, g.shape());
          continue;
        }
        double[] gd = LeafBuffers.read(g);
        double[] od = new double[gd.length];
        kernel(gd, LeafBuffers.read(p), od, 0, gd.length, weightDecay);
        out[i] = LeafBuffers.write(od, g.shape(), FloatTypes.promote(g.dataType(), p.dataType()));
      }
    }
    return new UpdateResult(u.unflatten(out), state);
  }

  @Override
  FusedPart fuse(OptState state, Map<String, ?> extraArgs) {
    if (!(state instanceof EmptyState)) {
      return null;
    }
    if (mask != null) {
      return null;
    }
    double weightDecay = constant(WEIGHT_DECAY);
    return new FusedPart(List.of(FusedPart.Stage.of((u, s, p, n) -> kernel(u, p, u, 0, n, weightDecay), 0)
        .withNative(NativeOp.decay(weightDecay))),
        List.of(), trees -> state);
  }

  /** {@code out = g + weightDecay * p} in float32; {@code out} may be {@code g}. */
  static void kernel(float[] g, float[] p, float[] out, int from, int to, double weightDecay) {
    float wd = (float) weightDecay;
    for (int i = from; i < to; i++) {
      out[i] = g[i] + wd * p[i];
    }
  }

  /** The per-element arithmetic: {@code out = g + weightDecay * p}. */
  static void kernel(double[] g, double[] p, double[] out, int from, int to, double weightDecay) {
    for (int i = from; i < to; i++) {
      out[i] = g[i] + weightDecay * p[i];
    }
  }

  @Override
  String staticsString() {
    return mask == null ? "" : "mask=" + mask;
  }
}
