package org.pytree4j.optim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.pytree4j.CustomNode;
import org.pytree4j.KeyEntry;
import org.pytree4j.NodeType;

/**
 * The state of {@link Optax#chain}: Optax's tuple of the chained transformations' states. A pytree
 * node keyed {@code [0]}, {@code [1]} ... (state-dict keys {@code "0"}, {@code "1"}, as Flax
 * serializes a tuple); its structure prints as a tuple, {@code (ScaleByAdamState(...), EmptyState())}.
 *
 * <pre>{@code
 * InjectHyperparamsState inject = chainState.get(1, InjectHyperparamsState.class);   // opt_state[1]
 * }</pre>
 */
public final class ChainState implements OptState, CustomNode {
  private static final Node NODE = new Node();

  private final List<OptState> states;

  /** A chain state holding {@code states} in order; none may be null. */
  public ChainState(List<? extends OptState> states) {
    List<OptState> copy = new ArrayList<>(states.size());
    for (int i = 0; i < states.size(); i++) {
      OptState s = states.get(i);
      if (s == null) {
        throw new IllegalArgumentException("chain state entry [" + i + "] must be an OptState, not None (null)");
      }
      copy.add(s);
    }
    this.states = Collections.unmodifiableList(copy);
  }

  public static ChainState of(OptState... states) {
    return new ChainState(List.of(states));
  }

  /** The states in chain order (unmodifiable). */
  public List<OptState> states() {
    return states;
  }

  /** How many transformations the chain has. */
  public int size() {
    return states.size();
  }

  /** {@code opt_state[index]}. */
  @Override
  public OptState get(int index) {
    if (index < 0 || index >= states.size()) {
      throw new IllegalArgumentException(
          "opt_state[" + index + "]: this chain state has " + states.size() + " entries [0.." + (states.size() - 1) + "]");
    }
    return states.get(index);
  }

  /** A copy with entry {@code index} replaced; this state is unchanged. */
  public ChainState with(int index, OptState state) {
    get(index);
    List<OptState> copy = new ArrayList<>(states);
    copy.set(index, state);
    return new ChainState(copy);
  }

  @Override
  public NodeType<?> pyTreeNodeType() {
    return NODE;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ChainState other && states.equals(other.states);
  }

  @Override
  public int hashCode() {
    return states.hashCode();
  }

  @Override
  public String toString() {
    List<String> parts = new ArrayList<>(states.size());
    for (OptState s : states) {
      parts.add(String.valueOf(s));
    }
    return "(" + String.join(", ", parts) + (parts.size() == 1 ? ",)" : ")");
  }

  /** The node type: children are the entries, the static data is their number. */
  private static final class Node extends NodeType<ChainState> {
    Node() {
      super(ChainState.class);
    }

    @Override
    public Object[] children(ChainState node) {
      return node.states.toArray();
    }

    @Override
    public Object auxData(ChainState node) {
      return node.states.size();
    }

    @Override
    public ChainState unflatten(Object auxData, Object[] children) {
      if (!(auxData instanceof Integer n) || n != children.length) {
        throw new IllegalArgumentException("a chain state of " + auxData + " entries cannot hold " + children.length);
      }
      List<OptState> states = new ArrayList<>(children.length);
      for (int i = 0; i < children.length; i++) {
        if (!(children[i] instanceof OptState s)) {
          throw new IllegalArgumentException("chain state entry [" + i + "] must be an OptState but got "
              + (children[i] == null ? "None (null)" : children[i].getClass().getName()));
        }
        states.add(s);
      }
      return new ChainState(states);
    }

    @Override
    public KeyEntry childKey(Object auxData, int index) {
      return new KeyEntry.SequenceKey(index);
    }

    @Override
    public String describe(Object auxData, List<String> children) {
      return "(" + String.join(", ", children) + (children.size() == 1 ? ",)" : ")");
    }
  }
}
