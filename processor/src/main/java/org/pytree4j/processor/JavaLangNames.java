package org.pytree4j.processor;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.TypeParameterElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.IntersectionType;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.WildcardType;
import javax.lang.model.util.Elements;

/** The {@code java.lang} names that types of a record's own package hide from its companion. */
final class JavaLangNames {
  private JavaLangNames() {}

  /**
   * The companion refers to {@code java.lang} types by their simple names: {@code Object},
   * {@code Override}, {@code SuppressWarnings}, the boxes of primitive components, and those that
   * component types and bounds mention. A type of that name in the record's own package would hide
   * one. (Looked up by name: ecj does not list a package's source types among its elements.)
   */
  static List<String> hiddenIn(Elements elements, TypeElement record) {
    Set<String> used = new TreeSet<>(List.of("Object", "Override", "SuppressWarnings", "Boolean", "Byte",
        "Character", "Short", "Integer", "Long", "Float", "Double"));
    for (RecordComponentElement component : record.getRecordComponents()) {
      collectJavaLang(component.asType(), used, new HashSet<>());
    }
    for (TypeParameterElement parameter : record.getTypeParameters()) {
      for (TypeMirror bound : parameter.getBounds()) {
        collectJavaLang(bound, used, new HashSet<>());
      }
    }
    String pkg = ModelReader.packageOf(record).getQualifiedName().toString();
    List<String> hidden = new ArrayList<>();
    for (String name : used) {
      if (elements.getTypeElement(pkg.isEmpty() ? name : pkg + "." + name) != null) {
        hidden.add(name);
      }
    }
    return List.copyOf(hidden);
  }

  private static void collectJavaLang(TypeMirror type, Set<String> names, Set<TypeMirror> seen) {
    if (!seen.add(type)) {
      return;
    }
    if (type instanceof DeclaredType declared) {
      if (declared.asElement() instanceof TypeElement element
          && element.getEnclosingElement() instanceof PackageElement pkg
          && pkg.getQualifiedName().contentEquals("java.lang")) {
        names.add(element.getSimpleName().toString());
      }
      for (TypeMirror arg : declared.getTypeArguments()) {
        collectJavaLang(arg, names, seen);
      }
    } else if (type instanceof ArrayType array) {
      collectJavaLang(array.getComponentType(), names, seen);
    } else if (type instanceof WildcardType wildcard) {
      if (wildcard.getExtendsBound() != null) {
        collectJavaLang(wildcard.getExtendsBound(), names, seen);
      }
      if (wildcard.getSuperBound() != null) {
        collectJavaLang(wildcard.getSuperBound(), names, seen);
      }
    } else if (type instanceof IntersectionType intersection) {
      for (TypeMirror bound : intersection.getBounds()) {
        collectJavaLang(bound, names, seen);
      }
    }
  }
}
