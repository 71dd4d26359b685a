package org.pytree4j;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Optional;

/**
 * Finds the node type of a {@link PyTreeNode} record that does not implement its generated
 * {@code With} interface. Looked up once per class (a {@link ClassValue}), so flattening such
 * records costs no reflection after the first one; records that implement {@code With} never come here.
 */
final class NodeTypeLookup {
  private NodeTypeLookup() {}

  private static final ClassValue<Optional<NodeType<?>>> BY_CLASS =
      new ClassValue<>() {
        @Override
        protected Optional<NodeType<?>> computeValue(Class<?> type) {
          if (!type.isRecord() || !type.isAnnotationPresent(PyTreeNode.class)) {
            return Optional.empty();
          }
          return Optional.of(loadCompanion(type));
        }
      };

  /** The node type of an annotated record, or null when {@code type} is not a pytree record. */
  static NodeType<?> find(Class<?> type) {
    return BY_CLASS.get(type).orElse(null);
  }

  /** {@code com.acme.Outer$Inner} -> {@code com.acme.Outer_InnerPyTree}. */
  static String companionName(Class<?> record) {
    String name = record.getName();
    int dot = name.lastIndexOf('.');
    String pkg = dot < 0 ? "" : name.substring(0, dot + 1);
    return pkg + name.substring(dot + 1).replace('$', '_') + "PyTree";
  }

  private static NodeType<?> loadCompanion(Class<?> record) {
    String companion = companionName(record);
    try {
      Class<?> type = Class.forName(companion, true, record.getClassLoader());
      MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(type, MethodHandles.lookup());
      Object nodeType =
          lookup.findStatic(type, "nodeType", MethodType.methodType(RecordNodeType.class)).invoke();
      return (NodeType<?>) nodeType;
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(
          record.getName() + " is annotated @PyTreeNode but its companion " + companion
              + " was not generated: enable the pytree4j annotation processor"
              + " (see README, 'Enabling the processor')", e);
    } catch (Throwable e) {
      throw new IllegalStateException(
          "cannot read the node type of " + record.getName() + " from " + companion + ": " + e, e);
    }
  }
}
