package org.pytree4j.processor;

import java.util.HashSet;
import java.util.Set;
import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.IntersectionType;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.TypeVariable;
import javax.lang.model.type.WildcardType;
import javax.lang.model.util.SimpleTypeVisitor14;

/** Finds a private class among the types a component's type mentions (its arguments and bounds too). */
final class PrivateTypes {
  private PrivateTypes() {}

  /** The first private type {@code type} mentions, or null. */
  static TypeElement firstPrivate(TypeMirror type) {
    return type.accept(VISITOR, new HashSet<>());
  }

  private static final SimpleTypeVisitor14<TypeElement, Set<TypeMirror>> VISITOR =
      new SimpleTypeVisitor14<>() {
        @Override
        public TypeElement visitArray(ArrayType t, Set<TypeMirror> seen) {
          return t.getComponentType().accept(this, seen);
        }

        @Override
        public TypeElement visitDeclared(DeclaredType t, Set<TypeMirror> seen) {
          if (!seen.add(t)) {
            return null;
          }
          for (Element e = t.asElement(); e instanceof TypeElement type; e = e.getEnclosingElement()) {
            if (type.getModifiers().contains(Modifier.PRIVATE)) {
              return type;
            }
          }
          return firstOf(t.getTypeArguments(), seen);
        }

        @Override
        public TypeElement visitTypeVariable(TypeVariable t, Set<TypeMirror> seen) {
          return seen.add(t) ? t.getUpperBound().accept(this, seen) : null;
        }

        @Override
        public TypeElement visitWildcard(WildcardType t, Set<TypeMirror> seen) {
          TypeElement found = t.getExtendsBound() == null ? null : t.getExtendsBound().accept(this, seen);
          return found != null || t.getSuperBound() == null ? found : t.getSuperBound().accept(this, seen);
        }

        @Override
        public TypeElement visitIntersection(IntersectionType t, Set<TypeMirror> seen) {
          return firstOf(t.getBounds(), seen);
        }

        private TypeElement firstOf(Iterable<? extends TypeMirror> types, Set<TypeMirror> seen) {
          for (TypeMirror type : types) {
            TypeElement found = type.accept(this, seen);
            if (found != null) {
              return found;
            }
          }
          return null;
        }
      };
}
