package org.pytree4j;

import java.util.List;

/**
 * How one Java type is a pytree node: its children, its static auxiliary data, and how to rebuild it.
 * JAX's {@code register_pytree_with_keys}, as an object.
 *
 * <p>Generated {@link PyTreeNode} companions provide {@link RecordNodeType}s; runtime types such as
 * optimizer chain states subclass this directly. Instances are singletons compared by identity.
 *
 * @param <T> the node type
 */
public abstract class NodeType<T> {
  private final Class<?> type;

  protected NodeType(Class<?> type) {
    if (type == null) {
      throw new IllegalArgumentException("node type class must not be null");
    }
    this.type = type;
  }

  /** The Java class whose instances this node type flattens. */
  public final Class<?> type() {
    return type;
  }

  /** The name shown in tree structures and messages. */
  public String name() {
    return type.getSimpleName();
  }

  /** The node's children, in order; a fresh array the caller may keep. */
  public abstract Object[] children(T node);

  /**
   * The node's static data: part of the tree structure and compared with {@code equals}. Must have
   * value semantics; it determines the arity and keys of the children.
   */
  public abstract Object auxData(T node);

  /**
   * Rebuilds a node from static data and children. Throws {@link IllegalArgumentException} naming
   * the component when a child has the wrong type; callers add the key path.
   */
  public abstract T unflatten(Object auxData, Object[] children);

  /** The key of child {@code index} of a node with this static data, for key paths. */
  public abstract KeyEntry childKey(Object auxData, int index);

  /**
   * The key of child {@code index} in a state dict ({@code flax.serialization.to_state_dict}):
   * record components by their Python name, sequence positions as {@code "0"}, {@code "1"}.
   */
  public String stateDictKey(Object auxData, int index) {
    return childKey(auxData, index).simple();
  }

  /** Renders a node of this type for {@link TreeDef#toString()}, given its rendered children. */
  public String describe(Object auxData, List<String> children) {
    return name() + "(" + String.join(", ", children) + ")";
  }

  @Override
  public String toString() {
    return "NodeType[" + type.getName() + "]";
  }
}
