package org.pytree4j.optim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.pytree4j.KeyEntry;
import org.pytree4j.KeyPath;

/**
 * Optax's {@code chain(*transformations)}: applies the transformations in order, each to the updates
 * the previous one returned. State: a {@link ChainState} with one entry per transformation.
 *
 * <p>Every transformation of this package is checked against its entry of the state before the
 * first one computes, so a bad input fails before anything is computed.
 */
public final class Chain extends AbstractTransformation {
  private final List<GradientTransformation> parts;

  Chain(List<? extends GradientTransformation> parts) {
    List<GradientTransformation> copy = new ArrayList<>(parts.size());
    for (int i = 0; i < parts.size(); i++) {
      if (parts.get(i) == null) {
        throw new IllegalArgumentException("chain: transformation " + i + " is null");
      }
      copy.add(parts.get(i));
    }
    this.parts = List.copyOf(copy);
  }

  /** The chained transformations, in order. */
  public List<GradientTransformation> parts() {
    return parts;
  }

  @Override
  public ChainState init(Object params) {
    List<OptState> states = new ArrayList<>(parts.size());
    for (GradientTransformation part : parts) {
      states.add(part.init(params));
    }
    return new ChainState(states);
  }

  @Override
  void check(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    ChainState chain = stateAs(state, ChainState.class, "chain");
    if (chain.size() != parts.size()) {
      throw OptimizerInputException.inState("the optimizer state does not fit the chain", KeyPath.root(),
          "the chain has " + parts.size() + " transformations but its state has " + chain.size()
              + " entries; was it made by init of this chain?");
    }
    for (int i = 0; i < parts.size(); i++) {
      if (!checkPart(parts.get(i), updates, chain.get(i), params, extraArgs, new KeyEntry.SequenceKey(i))) {
        return;
      }
    }
  }

  @Override
  UpdateResult apply(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    ChainState chain = (ChainState) state;
    List<OptState> states = new ArrayList<>(parts.size());
    boolean checked = true;
    Object current = updates;
    for (int i = 0; i < parts.size(); i++) {
      GradientTransformation part = parts.get(i);
      checked = checked && part instanceof AbstractTransformation;
      UpdateResult r = applyPart(part, checked, current, chain.get(i), params, extraArgs, new KeyEntry.SequenceKey(i));
      current = r.updates();
      states.add(r.state());
    }
    return new UpdateResult(current, new ChainState(states));
  }

  @Override
  FusedPart fuse(OptState state, Map<String, ?> extraArgs) {
    return fused(state, extraArgs, null, null);
  }

  @Override
  FusedPart fuseOnGrads(OptState state, Map<String, ?> extraArgs, Object grads, Object params) {
    return fused(state, extraArgs, grads, params);
  }

  /** The parts in sequence; the first sees {@code grads} when they are given. */
  private FusedPart fused(OptState state, Map<String, ?> extraArgs, Object grads, Object params) {
    if (!(state instanceof ChainState chain) || chain.size() != parts.size()) {
      return null;
    }
    List<FusedPart> fused = new ArrayList<>(parts.size());
    for (int i = 0; i < parts.size(); i++) {
      FusedPart part = i == 0 && grads != null
          ? fusePartOnGrads(parts.get(i), chain.get(i), extraArgs, grads, params)
          : fusePart(parts.get(i), chain.get(i), extraArgs);
      if (part == null) {
        return null;
      }
      fused.add(part);
    }
    return FusedPart.sequence(fused, ChainState::new);
  }

  @Override
  public String toString() {
    List<String> names = new ArrayList<>();
    for (GradientTransformation part : parts) {
      names.add(String.valueOf(part));
    }
    return "chain(" + String.join(", ", names) + ")";
  }
}
