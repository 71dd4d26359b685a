package org.pytree4j.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeVariableName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.TypeParameterElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Reads a {@code @PyTreeNode} record into a {@link RecordModel}. Throws
 * {@link MissingTypes.MissingTypeException} when a component's type is not defined yet, so the record
 * can be retried in a later round.
 */
final class ModelReader {
  private final Elements elements;
  private final Types types;

  ModelReader(Elements elements, Types types) {
    this.elements = elements;
    this.types = types;
  }

  RecordModel read(TypeElement record) {
    List<ComponentModel> components = new ArrayList<>();
    for (RecordComponentElement component : record.getRecordComponents()) {
      components.add(readComponent(component));
    }
    ClassName raw = ClassName.get(record);
    List<TypeVariableName> typeVariables = new ArrayList<>();
    for (TypeParameterElement parameter : record.getTypeParameters()) {
      typeVariables.add(TypeVariableName.get(parameter));
    }
    TypeName recordType = typeVariables.isEmpty()
        ? raw
        : ParameterizedTypeName.get(raw, typeVariables.toArray(new TypeName[0]));
    ClassName companion = Naming.companion(raw);
    return new RecordModel(
        record,
        recordType,
        raw,
        List.copyOf(typeVariables),
        companion,
        isVisibleOutsidePackage(record),
        List.copyOf(components),
        withClause(record),
        !Boolean.FALSE.equals(annotationValue(record, RuntimeNames.PY_TREE_NODE, RuntimeNames.WITH_INTERFACE)),
        Deprecations.warningsToSuppress(elements, types, record),
        JavaLangNames.hiddenIn(elements, record),
        isTrainStateShaped(components) ? trainState(components) : null);
  }

  private ComponentModel readComponent(RecordComponentElement component) {
    TypeMirror type = component.asType();
    String missing = MissingTypes.firstMissing(type);
    if (missing != null) {
      throw new MissingTypes.MissingTypeException(component, missing);
    }
    String name = component.getSimpleName().toString();
    return new ComponentModel(
        component,
        name,
        type,
        TypeName.get(type),
        TypeName.get(types.erasure(type)),
        !Boolean.FALSE.equals(annotationValue(component, RuntimeNames.FIELD, RuntimeNames.PYTREE_NODE)),
        Boolean.TRUE.equals(annotationValue(component, RuntimeNames.FIELD, RuntimeNames.FROZEN)),
        Naming.snakeCase(name));
  }

  /**
   * The value of {@code member} of the annotation {@code annotation} on {@code element} when written
   * out, else null (the annotation's default applies). Read from the mirror, by name: the processor
   * never loads the runtime's annotation classes.
   */
  static Object annotationValue(Element element, String annotation, String member) {
    for (AnnotationMirror mirror : element.getAnnotationMirrors()) {
      if (isAnnotation(mirror, annotation)) {
        for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> entry
            : mirror.getElementValues().entrySet()) {
          if (entry.getKey().getSimpleName().contentEquals(member)) {
            return entry.getValue().getValue();
          }
        }
      }
    }
    return null;
  }

  static boolean isAnnotation(AnnotationMirror mirror, String qualifiedName) {
    Element type = mirror.getAnnotationType().asElement();
    return type instanceof TypeElement t && t.getQualifiedName().contentEquals(qualifiedName);
  }

  static boolean hasAnnotation(Element element, String qualifiedName) {
    for (AnnotationMirror mirror : element.getAnnotationMirrors()) {
      if (isAnnotation(mirror, qualifiedName)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isVisibleOutsidePackage(TypeElement record) {
    for (Element e = record; e instanceof TypeElement; e = e.getEnclosingElement()) {
      if (!e.getModifiers().contains(Modifier.PUBLIC)) {
        return false;
      }
    }
    return true;
  }

  /**
   * How {@code record} declares its {@code With} interface. A superinterface that is not generated yet
   * is an error type that javac and ecj print as written; ecj leaves a generic one out altogether, so
   * {@code MISSING} in the round that generates the companion means "not seen yet".
   */
  static RecordModel.WithClause withClause(TypeElement record) {
    ClassName companion = Naming.companion(ClassName.get(record));
    String withName = companion.canonicalName() + ".With";
    String shortName = companion.simpleName() + ".With";
    List<String> expectedArgs = new ArrayList<>();
    for (TypeParameterElement parameter : record.getTypeParameters()) {
      expectedArgs.add(parameter.getSimpleName().toString());
    }
    for (TypeMirror iface : record.getInterfaces()) {
      String written;
      List<String> args;
      if (iface.getKind() == TypeKind.DECLARED && iface instanceof DeclaredType declared
          && declared.asElement() instanceof TypeElement element) {
        written = Records.canonicalName(element);
        args = new ArrayList<>();
        for (TypeMirror arg : declared.getTypeArguments()) {
          args.add(arg.getKind() == TypeKind.TYPEVAR ? arg.toString() : "?" + arg);
        }
      } else {
        // Not generated yet (the first round): javac shows the name as written in the source.
        String text = iface.toString();
        int lt = text.indexOf('<');
        written = lt < 0 ? text : text.substring(0, lt);
        args = lt < 0 ? List.of() : splitArguments(text.substring(lt + 1, text.lastIndexOf('>')));
      }
      if (written.equals(withName) || written.equals(shortName) || written.endsWith("." + shortName)) {
        return args.equals(expectedArgs) ? RecordModel.WithClause.IMPLEMENTED : RecordModel.WithClause.WRONG_ARGUMENTS;
      }
    }
    return RecordModel.WithClause.MISSING;
  }

  private static List<String> splitArguments(String text) {
    List<String> args = new ArrayList<>();
    for (String part : text.split(",")) {
      if (!part.isBlank()) {
        args.add(part.trim());
      }
    }
    return args;
  }

  /**
   * A record is meant as a train state when it holds an optimizer (a {@code GradientTransformation}
   * component, normally {@code tx}), or has both an {@code applyFn} and an {@code optState}. A record
   * that merely has a {@code step}, {@code params}, an {@code optState} (a checkpoint) or an
   * {@code applyFn} with its {@code params} (a model for inference), or a {@code tx} of another type (a
   * translation) is a plain pytree.
   */
  private boolean isTrainStateShaped(List<ComponentModel> components) {
    boolean hasApplyFn = false;
    boolean hasOptState = false;
    for (ComponentModel c : components) {
      if (isOptimizer(c.type())) {
        return true;
      }
      hasApplyFn |= c.name().equals(TrainStateModel.APPLY_FN);
      hasOptState |= c.name().equals(TrainStateModel.OPT_STATE);
    }
    return hasApplyFn && hasOptState;
  }

  private boolean isOptimizer(TypeMirror type) {
    TypeElement transformation = elements.getTypeElement(RuntimeNames.GRADIENT_TRANSFORMATION);
    return transformation != null && types.isAssignable(type, types.erasure(transformation.asType()));
  }

  private static TrainStateModel trainState(List<ComponentModel> components) {
    Map<String, ComponentModel> roles = new HashMap<>();
    List<ComponentModel> extras = new ArrayList<>();
    for (ComponentModel c : components) {
      if (TrainStateModel.ROLES.contains(c.name())) {
        roles.put(c.name(), c);
      } else {
        extras.add(c);
      }
    }
    return new TrainStateModel(
        roles.get(TrainStateModel.STEP),
        roles.get(TrainStateModel.APPLY_FN),
        roles.get(TrainStateModel.PARAMS),
        roles.get(TrainStateModel.TX),
        roles.get(TrainStateModel.OPT_STATE),
        List.copyOf(extras));
  }

  static PackageElement packageOf(Element element) {
    Element e = element;
    while (!(e instanceof PackageElement)) {
      e = e.getEnclosingElement();
    }
    return (PackageElement) e;
  }
}
