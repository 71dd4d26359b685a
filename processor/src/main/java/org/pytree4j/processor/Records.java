package org.pytree4j.processor;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Types;

/** Finding a record's parts the same way under javac and ecj. */
final class Records {
  private Records() {}

  /**
   * {@code com.acme.Outer.Inner}, from the simple names: ecj (3.38) gives a type whose simple name
   * starts with {@code $} a qualified name with a {@code .} in its place ({@code t..RecPyTree}).
   */
  static String canonicalName(TypeElement type) {
    Deque<String> names = new ArrayDeque<>();
    Element e = type;
    for (; e instanceof TypeElement t; e = e.getEnclosingElement()) {
      names.addFirst(t.getSimpleName().toString());
    }
    String pkg = e instanceof PackageElement p ? p.getQualifiedName().toString() : "";
    return (pkg.isEmpty() ? "" : pkg + ".") + String.join(".", names);
  }

  /** The constructor whose parameter types are the component types, in order; null if none is found. */
  static ExecutableElement canonicalConstructor(TypeElement record, Types types) {
    List<? extends RecordComponentElement> components = record.getRecordComponents();
    for (ExecutableElement constructor : ElementFilter.constructorsIn(record.getEnclosedElements())) {
      List<? extends VariableElement> parameters = constructor.getParameters();
      if (parameters.size() != components.size()) {
        continue;
      }
      boolean same = true;
      for (int i = 0; i < parameters.size() && same; i++) {
        same = types.isSameType(types.erasure(parameters.get(i).asType()), types.erasure(components.get(i).asType()));
      }
      if (same) {
        return constructor;
      }
    }
    return null;
  }

  /**
   * The record component that {@code element} stands for, or null. javac hands an annotation on a
   * component to processors as the component itself; ecj (3.38) hands it as the canonical
   * constructor's parameter, whose enclosing element it gives as the record. The component's field
   * and accessor are matched too.
   */
  static RecordComponentElement componentOf(Element element) {
    if (element.getKind() == ElementKind.RECORD_COMPONENT) {
      return (RecordComponentElement) element;
    }
    if (element.getKind() != ElementKind.PARAMETER && element.getKind() != ElementKind.FIELD
        && element.getKind() != ElementKind.METHOD) {
      return null;
    }
    Element owner = element.getEnclosingElement();
    while (owner != null && !(owner instanceof TypeElement)) {
      owner = owner.getEnclosingElement();
    }
    if (owner == null || owner.getKind() != ElementKind.RECORD) {
      return null;
    }
    if (element.getKind() == ElementKind.PARAMETER
        && element.getEnclosingElement() instanceof ExecutableElement executable
        && executable.getKind() != ElementKind.CONSTRUCTOR) {
      return null;
    }
    for (RecordComponentElement component : ((TypeElement) owner).getRecordComponents()) {
      if (component.getSimpleName().contentEquals(element.getSimpleName())) {
        return component;
      }
    }
    return null;
  }
}
