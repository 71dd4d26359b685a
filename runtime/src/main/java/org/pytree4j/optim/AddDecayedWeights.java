package org.pytree4j.optim;

import static org.pytree4j.optim.Hyperparam.WEIGHT_DECAY;

import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.optim.kernels.DecayOp;
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
    DecayOp op = new DecayOp(constant(WEIGHT_DECAY));
    UpdateTrees.Flat u = UpdateTrees.flattenChecked(updates);
    List<Object> ps = u.def.flattenUpTo(params);
    Object[] out = new Object[u.size()];
    for (int i = 0; i < out.length; i++) {
      INDArray g = u.array(i);
      if (g != null) {
        INDArray p = (INDArray) ps.get(i);
        if (LeafBuffers.allFloat32(g, p)) {
          float[] gf = LeafBuffers.readFloats(g);
          op.runFloat32(gf, null, LeafBuffers.readFloats(p), 0, gf.length);
          out[i] = LeafBuffers.writeFloats(gf, g.shape());
          continue;
        }
        double[] gd = LeafBuffers.read(g);
        op.runFloat64(gd, null, LeafBuffers.read(p), 0, gd.length);
        out[i] = LeafBuffers.write(gd, g.shape(), FloatTypes.promote(g.dataType(), p.dataType()));
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
    return FusedPart.of(new DecayOp(constant(WEIGHT_DECAY)), state);
  }

  @Override
  String staticsString() {
    return mask == null ? "" : "mask=" + mask;
  }
}
