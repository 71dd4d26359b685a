package org.pytree4j.optim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.pytree4j.PyTreeNode;

/**
 * Optax's {@code PartitionState(inner_states)} (also {@code MultiTransformState}): the state of
 * {@link Partition}. Each label's state is a {@link MaskedState}, as Optax's partition keeps
 * {@code masked(tx, mask).init(params)} per label; its state dict is
 * {@code {'inner_states': {'label': {'inner_state': ...}}}}.
 *
 * <pre>{@code
 * // Flax: opt_state.inner_states['trainable'].inner_state[0].mu
 * ScaleByAdamState adam = state.innerState("trainable").innerState().get(0, ScaleByAdamState.class);
 * }</pre>
 *
 * @param innerStates each label's state, by label
 */
@PyTreeNode
public record PartitionState(Map<String, OptState> innerStates) implements OptState, PartitionStatePyTree.With {

  public PartitionState {
    innerStates = innerStates == null ? null : Collections.unmodifiableSortedMap(new TreeMap<>(innerStates));
  }

  /** The state of the transformation for {@code label}: Optax's {@code inner_states[label]}. */
  public MaskedState innerState(String label) {
    OptState state = innerStates == null ? null : innerStates.get(label);
    if (state == null) {
      throw new IllegalArgumentException("no label '" + label + "' in this partition state; its labels are "
          + (innerStates == null ? "[]" : new ArrayList<>(innerStates.keySet())));
    }
    if (!(state instanceof MaskedState masked)) {
      throw new IllegalArgumentException("inner_states['" + label + "'] is a " + state.getClass().getSimpleName()
          + ", not the MaskedState a partition keeps");
    }
    return masked;
  }

  /** A copy with the state of {@code label} replaced; this state is unchanged. */
  public PartitionState withInnerState(String label, OptState state) {
    innerState(label);
    SortedMap<String, OptState> copy = new TreeMap<>(innerStates);
    copy.put(label, state);
    return new PartitionState(copy);
  }
}
