package org.pytree4j.benchmarks;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.pytree4j.Field;

/**
 * The baseline for flatten + unflatten: a walker over records by reflection ({@link RecordComponent}
 * accessors and the canonical constructor), with static components ({@code @Field(pytreeNode = false)})
 * kept in the structure, lists as sequences and anything else a leaf. {@code cached} keeps each
 * class's components, accessors and constructor (as a careful reflective library would); otherwise
 * they are looked up at every node, as straightforward reflective code does.
 */
final class ReflectiveWalker {
  private final boolean cached;
  private final ClassValue<RecordInfo> infos = new ClassValue<>() {
    @Override
    protected RecordInfo computeValue(Class<?> type) {
      return RecordInfo.of(type);
    }
  };

  ReflectiveWalker(boolean cached) {
    this.cached = cached;
  }

  /** A node of the structure: a record (its class, static values, children), a list, or a leaf. */
  record Node(Class<?> record, Object[] statics, List<Node> children, boolean list) {
    static final Node LEAF = new Node(null, null, List.of(), false);
  }

  /** The leaves of {@code tree} (appended to {@code leaves}) and its structure. */
  Node flatten(Object tree, List<Object> leaves) {
    if (tree instanceof List<?> list) {
      List<Node> children = new ArrayList<>(list.size());
      for (Object child : list) {
        children.add(flatten(child, leaves));
      }
      return new Node(null, null, children, true);
    }
    if (tree != null && tree.getClass().isRecord()) {
      RecordInfo info = info(tree.getClass());
      Object[] statics = new Object[info.components.length];
      List<Node> children = new ArrayList<>(info.components.length);
      for (int i = 0; i < info.components.length; i++) {
        Object value = info.read(i, tree);
        if (info.isStatic[i]) {
          statics[i] = value;
        } else {
          children.add(flatten(value, leaves));
        }
      }
      return new Node(tree.getClass(), statics, children, false);
    }
    leaves.add(tree);
    return Node.LEAF;
  }

  /** Rebuilds a tree of structure {@code node} from {@code leaves}. */
  Object unflatten(Node node, Iterator<Object> leaves) {
    if (node == Node.LEAF) {
      return leaves.next();
    }
    if (node.list()) {
      List<Object> items = new ArrayList<>(node.children().size());
      for (Node child : node.children()) {
        items.add(unflatten(child, leaves));
      }
      return List.copyOf(items);
    }
    RecordInfo info = info(node.record());
    Object[] args = new Object[info.components.length];
    Iterator<Node> children = node.children().iterator();
    for (int i = 0; i < args.length; i++) {
      args[i] = info.isStatic[i] ? node.statics()[i] : unflatten(children.next(), leaves);
    }
    try {
      return info.constructor.newInstance(args);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private RecordInfo info(Class<?> type) {
    return cached ? infos.get(type) : RecordInfo.of(type);
  }

  private static final class RecordInfo {
    final RecordComponent[] components;
    final Method[] accessors;
    final boolean[] isStatic;
    final Constructor<?> constructor;

    private RecordInfo(Class<?> type) throws NoSuchMethodException {
      components = type.getRecordComponents();
      accessors = new Method[components.length];
      isStatic = new boolean[components.length];
      Class<?>[] types = new Class<?>[components.length];
      for (int i = 0; i < components.length; i++) {
        accessors[i] = components[i].getAccessor();
        accessors[i].setAccessible(true);
        Field field = components[i].getAnnotation(Field.class);
        isStatic[i] = field != null && !field.pytreeNode();
        types[i] = components[i].getType();
      }
      constructor = type.getDeclaredConstructor(types);
      constructor.setAccessible(true);
    }

    static RecordInfo of(Class<?> type) {
      try {
        return new RecordInfo(type);
      } catch (NoSuchMethodException e) {
        throw new IllegalStateException(e);
      }
    }

    Object read(int i, Object record) {
      try {
        return accessors[i].invoke(record);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
