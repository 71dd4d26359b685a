package org.pytree4j.processor;

import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.TypeVariable;
import javax.lang.model.type.WildcardType;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Whether a type holds what is usually trainable: an array, an {@code INDArray}, a {@code @PyTreeNode}
 * record, or a list, map or optional of those. A static component of such a type is usually params
 * that the optimizer would then never see.
 */
final class ParamTypes {
  private static final String[] CONTAINERS = {"java.lang.Iterable", "java.util.Map", "java.util.Optional"};
  /** Deep enough for any real type; keeps a recursive bound from looping. */
  private static final int MAX_DEPTH = 8;

  private final Elements elements;
  private final Types types;

  ParamTypes(Elements elements, Types types) {
    this.elements = elements;
    this.types = types;
  }

  /** What {@code type} holds, for a message ({@code "an INDArray"}, {@code "an array"}), or null. */
  String heldParams(TypeMirror type) {
    return held(type, 0);
  }

  private String held(TypeMirror type, int depth) {
    if (depth > MAX_DEPTH) {
      return null;
    }
    if (type.getKind() == TypeKind.ARRAY) {
      return "an array";
    }
    if (type instanceof TypeVariable variable) {
      return held(variable.getUpperBound(), depth + 1);
    }
    if (type instanceof WildcardType wildcard) {
      return wildcard.getExtendsBound() == null ? null : held(wildcard.getExtendsBound(), depth + 1);
    }
    if (!(type instanceof DeclaredType declared) || !(declared.asElement() instanceof TypeElement element)) {
      return null;
    }
    if (isSubtype(type, RuntimeNames.INDARRAY)) {
      return "an INDArray";
    }
    if (ModelReader.hasAnnotation(element, RuntimeNames.PY_TREE_NODE)) {
      return "a pytree (the @PyTreeNode record " + element.getSimpleName() + ")";
    }
    for (String container : CONTAINERS) {
      if (isSubtype(type, container)) {
        for (TypeMirror argument : declared.getTypeArguments()) {
          String inside = held(argument, depth + 1);
          if (inside != null) {
            return inside;
          }
        }
      }
    }
    return null;
  }

  private boolean isSubtype(TypeMirror type, String name) {
    TypeElement target = elements.getTypeElement(name);
    return target != null && types.isAssignable(types.erasure(type), types.erasure(target.asType()));
  }
}
