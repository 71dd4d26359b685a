package org.pytree4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The node type of a {@link PyTreeNode} record. Generated companions subclass it; the subclass only
 * moves components in and out of arrays, so flattening a record costs a few accessor calls.
 *
 * <p>Children are the pytree components in declaration order, keyed {@code .name}; the static
 * ({@code pytreeNode = false}) components form the auxiliary data, a {@link StaticFields} value.
 *
 * @param <R> the record type
 */
public abstract class RecordNodeType<R extends Record> extends NodeType<R> {
  private final List<String> childNames;
  private final List<String> childStateDictKeys;
  private final List<String> staticNames;
  private final KeyEntry[] childKeys;

  /**
   * @param type the record class
   * @param childNames pytree components, in declaration order
   * @param childStateDictKeys the state-dict (Python) name of each child, e.g. {@code opt_state}
   * @param staticNames static components, in declaration order
   */
  protected RecordNodeType(
      Class<?> type, List<String> childNames, List<String> childStateDictKeys, List<String> staticNames) {
    super(type);
    if (childNames.size() != childStateDictKeys.size()) {
      throw new IllegalArgumentException("one state-dict key per child is required");
    }
    this.childNames = List.copyOf(childNames);
    this.childStateDictKeys = List.copyOf(childStateDictKeys);
    this.staticNames = List.copyOf(staticNames);
    this.childKeys = new KeyEntry[childNames.size()];
    for (int i = 0; i < childKeys.length; i++) {
      childKeys[i] = new KeyEntry.GetAttrKey(childNames.get(i));
    }
  }

  /** Pytree components, in declaration order. */
  public final List<String> childNames() {
    return childNames;
  }

  /** Static components, in declaration order. */
  public final List<String> staticNames() {
    return staticNames;
  }

  /** The static component values of {@code node}, in declaration order. */
  protected abstract Object[] staticValues(R node);

  /** Calls the canonical constructor. Use {@link #child} and {@link #staticValue} to read arguments. */
  protected abstract R create(Object[] staticValues, Object[] children);

  @Override
  public final Object auxData(R node) {
    return new StaticFields(staticNames, staticValues(node));
  }

  @Override
  public final R unflatten(Object auxData, Object[] children) {
    if (children.length != childNames.size()) {
      throw new IllegalArgumentException(
          name() + " has " + childNames.size() + " children " + childNames + " but got " + children.length);
    }
    Object[] statics;
    if (auxData instanceof StaticFields fields && (fields.names() == staticNames || fields.names().equals(staticNames))) {
      statics = fields.valuesArray();
    } else if (staticNames.isEmpty() && auxData == null) {
      statics = new Object[0];
    } else {
      throw new IllegalArgumentException(
          name() + " expects static fields " + staticNames + " but got " + auxData);
    }
    return create(statics, children);
  }

  /**
   * Rebuilds a whole tree whose root is this record type; the generated companions' typed
   * {@code unflatten}.
   */
  public final R unflattenTree(TreeDef treeDef, java.util.List<?> leaves) {
    if (treeDef.nodeType() != this) {
      throw new IllegalArgumentException(
          "expected a structure with " + name() + " at its root but got " + treeDef);
    }
    return treeDef.unflatten(leaves);
  }

  @Override
  public final KeyEntry childKey(Object auxData, int index) {
    return childKeys[index];
  }

  @Override
  public final String stateDictKey(Object auxData, int index) {
    return childStateDictKeys.get(index);
  }

  @Override
  public String describe(Object auxData, List<String> children) {
    List<String> parts = new ArrayList<>(children.size() + staticNames.size());
    for (int i = 0; i < children.size(); i++) {
      parts.add(childNames.get(i) + "=" + children.get(i));
    }
    if (auxData instanceof StaticFields fields) {
      for (int i = 0; i < staticNames.size(); i++) {
        parts.add(staticNames.get(i) + "=" + Leaves.repr(fields.values().get(i)));
      }
    }
    return name() + "(" + String.join(", ", parts) + ")";
  }

  /**
   * Reads child {@code index} for the constructor, checking its type. {@code type} is the
   * component's erasure; for a primitive component pass the primitive class ({@code long.class}):
   * null is then rejected.
   */
  @SuppressWarnings("unchecked")
  protected final <C> C child(Object[] children, int index, Class<?> type) {
    Object value = children[index];
    if (!fits(value, type)) {
      throw new ChildTypeException(index, mismatch(value, type, "component '" + childNames.get(index) + "'"));
    }
    return (C) value;
  }

  /** Reads static value {@code index} for the constructor, checking its type as {@link #child} does. */
  @SuppressWarnings("unchecked")
  protected final <C> C staticValue(Object[] statics, int index, Class<?> type) {
    Object value = statics[index];
    if (!fits(value, type)) {
      throw new IllegalArgumentException(mismatch(value, type, "static component '" + staticNames.get(index) + "'"));
    }
    return (C) value;
  }

  /** True when {@code value} can be passed for a component of {@code type} (null only to a reference type). */
  private static boolean fits(Object value, Class<?> type) {
    return value == null ? !type.isPrimitive() : box(type).isInstance(value);
  }

  private String mismatch(Object value, Class<?> type, String what) {
    if (value == null) {
      return what + " of " + name() + " is a " + type.getName() + " and cannot be None (null)";
    }
    return what + " of " + name() + " must be " + type.getSimpleName() + " but got " + Leaves.describe(value);
  }

  private static Class<?> box(Class<?> type) {
    if (!type.isPrimitive()) {
      return type;
    }
    if (type == long.class) {
      return Long.class;
    } else if (type == int.class) {
      return Integer.class;
    } else if (type == double.class) {
      return Double.class;
    } else if (type == float.class) {
      return Float.class;
    } else if (type == boolean.class) {
      return Boolean.class;
    } else if (type == short.class) {
      return Short.class;
    } else if (type == byte.class) {
      return Byte.class;
    } else if (type == char.class) {
      return Character.class;
    }
    throw new IllegalArgumentException("not a value type: " + type);
  }

  /**
   * The static components of one record node: part of its tree structure, compared with
   * {@code equals} (as Flax compares {@code pytree_node=False} fields).
   */
  public static final class StaticFields {
    private final List<String> names;
    private final Object[] values;

    StaticFields(List<String> names, Object[] values) {
      this.names = names;
      this.values = values.clone();
    }

    public List<String> names() {
      return names;
    }

    /** The values, in declaration order; may hold nulls. */
    public List<Object> values() {
      return Collections.unmodifiableList(Arrays.asList(values));
    }

    Object[] valuesArray() {
      return values.clone();
    }

    /** The value of the static component {@code name}. */
    public Object get(String name) {
      int i = names.indexOf(name);
      if (i < 0) {
        throw new IllegalArgumentException("no static component '" + name + "'; static components: " + names);
      }
      return values[i];
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof StaticFields other
          && names.equals(other.names)
          && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
      return Objects.hash(names, Arrays.hashCode(values));
    }

    @Override
    public String toString() {
      List<String> parts = new ArrayList<>(values.length);
      for (int i = 0; i < values.length; i++) {
        parts.add(names.get(i) + "=" + Leaves.repr(values[i]));
      }
      return "{" + String.join(", ", parts) + "}";
    }
  }
}
