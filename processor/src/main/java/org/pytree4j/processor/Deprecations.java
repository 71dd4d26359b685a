package org.pytree4j.processor;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.TypeParameterElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.IntersectionType;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.TypeVariable;
import javax.lang.model.type.WildcardType;
import javax.lang.model.util.Elements;
import javax.lang.model.util.SimpleTypeVisitor14;
import javax.lang.model.util.Types;

/**
 * What a companion must suppress so that its uses of deprecated things (a deprecated record, its
 * enclosing class, an accessor or the canonical constructor, a component type) compile under
 * {@code -Xlint:all -Werror}: {@code "deprecation"}, {@code "removal"}, both or neither. Exactly what is
 * used, because ecj warns about an unnecessary {@code @SuppressWarnings} token.
 */
final class Deprecations {
  private final Elements elements;
  private boolean deprecation;
  private boolean removal;
  private final Set<TypeMirror> seen = new HashSet<>();

  private Deprecations(Elements elements) {
    this.elements = elements;
  }

  static List<String> warningsToSuppress(Elements elements, Types types, TypeElement record) {
    Deprecations d = new Deprecations(elements);
    for (Element e = record; e instanceof TypeElement type; e = e.getEnclosingElement()) {
      d.check(type);
    }
    for (TypeParameterElement parameter : record.getTypeParameters()) {
      for (TypeMirror bound : parameter.getBounds()) {
        d.checkType(bound);
      }
    }
    for (RecordComponentElement component : record.getRecordComponents()) {
      d.check(component.getAccessor());
      d.checkType(component.asType());
    }
    d.check(Records.canonicalConstructor(record, types));
    List<String> tokens = new ArrayList<>(2);
    if (d.deprecation) {
      tokens.add("deprecation");
    }
    if (d.removal) {
      tokens.add("removal");
    }
    return List.copyOf(tokens);
  }

  private void check(Element element) {
    if (element == null || !elements.isDeprecated(element)) {
      return;
    }
    if (isForRemoval(element)) {
      removal = true;
    } else {
      deprecation = true;
    }
  }

  private static boolean isForRemoval(Element element) {
    for (AnnotationMirror mirror : element.getAnnotationMirrors()) {
      if (ModelReader.isAnnotation(mirror, "java.lang.Deprecated")) {
        for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> entry
            : mirror.getElementValues().entrySet()) {
          if (entry.getKey().getSimpleName().contentEquals("forRemoval")) {
            return Boolean.TRUE.equals(entry.getValue().getValue());
          }
        }
      }
    }
    return false;
  }

  private void checkType(TypeMirror type) {
    type.accept(visitor, null);
  }

  private final SimpleTypeVisitor14<Void, Void> visitor = new SimpleTypeVisitor14<>() {
    @Override
    public Void visitArray(ArrayType t, Void unused) {
      return t.getComponentType().accept(this, null);
    }

    @Override
    public Void visitDeclared(DeclaredType t, Void unused) {
      if (seen.add(t)) {
        for (Element e = t.asElement(); e instanceof TypeElement type; e = e.getEnclosingElement()) {
          check(type);
        }
        for (TypeMirror arg : t.getTypeArguments()) {
          arg.accept(this, null);
        }
      }
      return null;
    }

    @Override
    public Void visitTypeVariable(TypeVariable t, Void unused) {
      // the record's own type variables: their bounds are checked on the record's type parameters
      return null;
    }

    @Override
    public Void visitWildcard(WildcardType t, Void unused) {
      if (t.getExtendsBound() != null) {
        t.getExtendsBound().accept(this, null);
      }
      if (t.getSuperBound() != null) {
        t.getSuperBound().accept(this, null);
      }
      return null;
    }

    @Override
    public Void visitIntersection(IntersectionType t, Void unused) {
      for (TypeMirror bound : t.getBounds()) {
        bound.accept(this, null);
      }
      return null;
    }
  };
}
