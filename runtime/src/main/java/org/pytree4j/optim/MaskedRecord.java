package org.pytree4j.optim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.pytree4j.CustomNode;
import org.pytree4j.KeyEntry;
import org.pytree4j.NodeType;

/**
 * A record of the params (or another node of their tree) with some components masked out: where
 * Optax's masked transformation puts a {@link MaskedNode} into a dataclass field, a Java record
 * typed {@code INDArray} cannot hold one, so the masked tree holds this node instead. It has the
 * record's children (masked ones are {@code MaskedNode}s), keys and state-dict keys, and prints as
 * the record: {@code Dense(kernel=*, bias=MaskedNode())}. It appears only in the params and updates a
 * masked transformation passes on and in the state of the transformation inside.
 */
public final class MaskedRecord implements CustomNode {
  private static final Node NODE = new Node();

  /** The node type and static data of the record this stands for: the static data of this node. */
  private record Shape(NodeType<?> type, Object auxData) {}

  private final Shape shape;
  private final Object[] children;

  MaskedRecord(NodeType<?> type, Object auxData, Object[] children) {
    this(new Shape(Objects.requireNonNull(type, "type"), auxData), children);
  }

  private MaskedRecord(Shape shape, Object[] children) {
    this.shape = shape;
    this.children = children.clone();
  }

  /** The class of the record this stands for, e.g. {@code Dense}. */
  public Class<?> recordType() {
    return shape.type().type();
  }

  /** The children, in the record's order: its components' values, or {@link MaskedNode} where masked out. */
  public List<Object> children() {
    return Collections.unmodifiableList(Arrays.asList(children));
  }

  @Override
  public NodeType<?> pyTreeNodeType() {
    return NODE;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MaskedRecord other && shape.type() == other.shape.type()
        && Objects.equals(shape.auxData(), other.shape.auxData()) && Arrays.equals(children, other.children);
  }

  @Override
  public int hashCode() {
    return Objects.hash(shape.type(), shape.auxData(), Arrays.hashCode(children));
  }

  @Override
  public String toString() {
    List<String> parts = new ArrayList<>(children.length);
    for (int i = 0; i < children.length; i++) {
      parts.add(NODE.childKey(shape, i).simple() + "=" + children[i]);
    }
    return shape.type().name() + "(" + String.join(", ", parts) + ")";
  }

  @SuppressWarnings("unchecked")
  private static NodeType<Object> original(Object auxData) {
    return (NodeType<Object>) ((Shape) auxData).type();
  }

  private static final class Node extends NodeType<MaskedRecord> {
    Node() {
      super(MaskedRecord.class);
    }

    @Override
    public Object[] children(MaskedRecord node) {
      return node.children.clone();
    }

    @Override
    public Object auxData(MaskedRecord node) {
      return node.shape;
    }

    @Override
    public MaskedRecord unflatten(Object auxData, Object[] children) {
      if (!(auxData instanceof Shape shape)) {
        throw new IllegalArgumentException("not the static data of a MaskedRecord: " + auxData);
      }
      return new MaskedRecord(shape, children);
    }

    @Override
    public KeyEntry childKey(Object auxData, int index) {
      return original(auxData).childKey(((Shape) auxData).auxData(), index);
    }

    @Override
    public String stateDictKey(Object auxData, int index) {
      return original(auxData).stateDictKey(((Shape) auxData).auxData(), index);
    }

    @Override
    public String describe(Object auxData, List<String> children) {
      return original(auxData).describe(((Shape) auxData).auxData(), children);
    }
  }
}
