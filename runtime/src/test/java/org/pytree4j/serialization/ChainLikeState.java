package org.pytree4j.serialization;

import java.util.Arrays;
import java.util.List;
import org.pytree4j.CustomNode;
import org.pytree4j.KeyEntry;
import org.pytree4j.NodeType;
import org.pytree4j.optim.OptState;

/**
 * A hand-written node like Optax's chain state (a tuple of inner states): children keyed [0], [1],
 * state-dict keys "0", "1" through {@link NodeType#stateDictKey}'s default.
 */
public final class ChainLikeState implements OptState, CustomNode {
  private static final NodeType<ChainLikeState> TYPE = new NodeType<>(ChainLikeState.class) {
    @Override
    public Object[] children(ChainLikeState node) {
      return node.states.toArray();
    }

    @Override
    public Object auxData(ChainLikeState node) {
      return node.states.size();
    }

    @Override
    public ChainLikeState unflatten(Object auxData, Object[] children) {
      return new ChainLikeState(Arrays.copyOf(children, children.length, OptState[].class));
    }

    @Override
    public KeyEntry childKey(Object auxData, int index) {
      return new KeyEntry.SequenceKey(index);
    }
  };

  private final List<OptState> states;

  public ChainLikeState(OptState... states) {
    this.states = List.of(states);
  }

  public List<OptState> states() {
    return states;
  }

  @Override
  public NodeType<?> pyTreeNodeType() {
    return TYPE;
  }
}
