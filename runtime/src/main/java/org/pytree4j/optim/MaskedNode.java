package org.pytree4j.optim;

import java.util.List;
import org.pytree4j.CustomNode;
import org.pytree4j.KeyEntry;
import org.pytree4j.NodeType;

/**
 * Optax's {@code MaskedNode()}: what a masked transformation ({@link Optax#masked},
 * {@link Optax#partition}) puts in place of a subtree its mask leaves out, in the params and updates
 * it passes on and so in the state of the transformation inside. A node without children: it has no
 * leaves, so tree functions pass over it, and its state dict is {@code {}}, as Flax writes Optax's.
 * There is one instance.
 */
public final class MaskedNode implements CustomNode {
  /** The only instance. */
  public static final MaskedNode INSTANCE = new MaskedNode();
  private static final Node NODE = new Node();

  private MaskedNode() {}

  @Override
  public NodeType<?> pyTreeNodeType() {
    return NODE;
  }

  @Override
  public String toString() {
    return "MaskedNode()";
  }

  private static final class Node extends NodeType<MaskedNode> {
    Node() {
      super(MaskedNode.class);
    }

    @Override
    public Object[] children(MaskedNode node) {
      return new Object[0];
    }

    @Override
    public Object auxData(MaskedNode node) {
      return "MaskedNode";
    }

    @Override
    public MaskedNode unflatten(Object auxData, Object[] children) {
      if (children.length != 0) {
        throw new IllegalArgumentException("a MaskedNode has no children, but " + children.length + " were given");
      }
      return INSTANCE;
    }

    @Override
    public KeyEntry childKey(Object auxData, int index) {
      throw new IndexOutOfBoundsException("a MaskedNode has no children");
    }

    @Override
    public String describe(Object auxData, List<String> children) {
      return "MaskedNode()";
    }
  }
}
