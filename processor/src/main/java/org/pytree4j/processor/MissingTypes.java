package org.pytree4j.processor;

import java.util.HashSet;
import java.util.Set;
import javax.lang.model.element.Element;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.ErrorType;
import javax.lang.model.type.IntersectionType;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.TypeVariable;
import javax.lang.model.type.WildcardType;
import javax.lang.model.util.SimpleTypeVisitor14;

/**
 * Finds undefined types in a component's type. An undefined type may be generated later in the
 * same compilation, so the record is retried in the next round; only when no round defines it is
 * it reported as {@link Diagnostics#UNDEFINED}.
 */
final class MissingTypes {
  private MissingTypes() {}

  /** Thrown to defer a record to the next round; names the component whose type is missing. */
  static final class MissingTypeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Element component;
    private final String typeName;

    MissingTypeException(Element component, String typeName) {
      super(typeName, null, false, false);
      this.component = component;
      this.typeName = typeName;
    }

    Element component() {
      return component;
    }

    String typeName() {
      return typeName;
    }
  }

  private static final class Found extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Found(String typeName) {
      super(typeName, null, false, false);
    }
  }

  /** The first undefined type that {@code type} mentions, or null when all are defined. */
  static String firstMissing(TypeMirror type) {
    try {
      type.accept(VISITOR, new HashSet<>());
      return null;
    } catch (Found found) {
      return found.getMessage();
    }
  }

  private static final SimpleTypeVisitor14<Void, Set<TypeMirror>> VISITOR =
      new SimpleTypeVisitor14<>() {
        @Override
        public Void visitError(ErrorType t, Set<TypeMirror> seen) {
          throw new Found(t.toString());
        }

        @Override
        public Void visitArray(ArrayType t, Set<TypeMirror> seen) {
          return t.getComponentType().accept(this, seen);
        }

        @Override
        public Void visitDeclared(DeclaredType t, Set<TypeMirror> seen) {
          if (seen.add(t)) {
            for (TypeMirror arg : t.getTypeArguments()) {
              arg.accept(this, seen);
            }
          }
          return null;
        }

        @Override
        public Void visitTypeVariable(TypeVariable t, Set<TypeMirror> seen) {
          if (seen.add(t)) {
            t.getUpperBound().accept(this, seen);
            t.getLowerBound().accept(this, seen);
          }
          return null;
        }

        @Override
        public Void visitWildcard(WildcardType t, Set<TypeMirror> seen) {
          if (t.getExtendsBound() != null) {
            t.getExtendsBound().accept(this, seen);
          }
          if (t.getSuperBound() != null) {
            t.getSuperBound().accept(this, seen);
          }
          return null;
        }

        @Override
        public Void visitIntersection(IntersectionType t, Set<TypeMirror> seen) {
          for (TypeMirror bound : t.getBounds()) {
            bound.accept(this, seen);
          }
          return null;
        }
      };
}
