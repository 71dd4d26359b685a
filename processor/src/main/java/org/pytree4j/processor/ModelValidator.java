package org.pytree4j.processor;

import java.util.HashMap;
import java.util.Map;
import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Checks a {@link RecordModel} before anything is generated. Reports every problem it finds on the
 * element at fault; the record gets a companion only when there is none.
 */
final class ModelValidator {
  private final Elements elements;
  private final Types types;
  private final ErrorReporter reporter;

  ModelValidator(Elements elements, Types types, ErrorReporter reporter) {
    this.elements = elements;
    this.types = types;
    this.reporter = reporter;
  }

  /** True when the model can be generated. */
  boolean validate(RecordModel model) {
    int errorsBefore = reporter.errorCount();
    if (checkAccessible(model.element())) {
      checkComponentTypesAccessible(model);
    }
    checkNames(model);
    checkWithClause(model);
    checkStaticComponents(model);
    if (model.trainState() != null) {
      checkTrainState(model, model.trainState());
    }
    return reporter.errorCount() == errorsBefore;
  }

  /** False, after reporting it, when the companion cannot see the record. */
  private boolean checkAccessible(TypeElement record) {
    for (Element e = record; e instanceof TypeElement type; e = e.getEnclosingElement()) {
      if (type.getModifiers().contains(Modifier.PRIVATE)) {
        reporter.error(record, Diagnostics.NOT_ACCESSIBLE,
            "%s cannot be a @PyTreeNode: %s private, so its generated companion %s cannot see it."
                + " Make %s package-private or public",
            record.getSimpleName(), type == record ? "it is" : "it is nested in " + type.getSimpleName() + ", which is",
            Naming.companion(com.palantir.javapoet.ClassName.get(record)).simpleName(), type.getSimpleName());
        return false;
      }
      if (type.getNestingKind() == NestingKind.LOCAL || type.getNestingKind() == NestingKind.ANONYMOUS) {
        reporter.error(record, Diagnostics.NOT_ACCESSIBLE,
            "%s cannot be a @PyTreeNode: %s is declared inside a method, so no generated class can name it."
                + " Move it to the top level or into a class",
            record.getSimpleName(), type == record ? "it" : type.getSimpleName());
        return false;
      }
    }
    return true;
  }

  private void checkNames(RecordModel model) {
    String record = model.rawRecordType().simpleName();
    Map<String, ComponentModel> byWither = new HashMap<>();
    Map<String, ComponentModel> byStateDictKey = new HashMap<>();
    for (ComponentModel c : model.components()) {
      ComponentModel sameWither = byWither.putIfAbsent(c.witherName(), c);
      if (sameWither != null) {
        reporter.error(c.element(), Diagnostics.NAME_CLASH,
            "Components '%s' and '%s' of %s would both get the wither %s(); rename one of them",
            sameWither.name(), c.name(), record, c.witherName());
      } else if (c.pytreeNode()) {
        ComponentModel sameKey = byStateDictKey.putIfAbsent(c.stateDictKey(), c);
        if (sameKey != null) {
          reporter.error(c.element(), Diagnostics.NAME_CLASH,
              "Components '%s' and '%s' of %s have the same state-dict name '%s' (the snake_case form used"
                  + " in checkpoints); rename one of them",
              sameKey.name(), c.name(), record, c.stateDictKey());
        }
      }
    }
    for (ComponentModel c : model.components()) {
      if (Naming.OBJECT_METHODS.contains(c.name())) {
        reporter.error(c.element(), Diagnostics.NAME_CLASH,
            "Component '%s' of %s has the name of a method of Object, which no record component may have;"
                + " rename the component", c.name(), record);
      } else if (c.name().equals("Builder") || c.name().equals("With")) {
        reporter.error(c.element(), Diagnostics.NAME_CLASH,
            "Component '%s' of %s has the name of the generated type %s.%s, in which its method would be named"
                + " like the type (Eclipse's compiler warns about such methods); rename the component",
            c.name(), record, model.companion().simpleName(), c.name());
      } else if (c.name().equals("equals") && isObject(c.type())) {
        reporter.error(c.element(), Diagnostics.NAME_CLASH,
            "Component 'equals' of %s has type %s, so its builder setter equals(%s) would override"
                + " Object.equals; rename the component or give it a narrower type", record, c.type(), c.type());
      }
      if (Naming.RESERVED.contains(c.name())) {
        reporter.error(c.element(), Diagnostics.NAME_CLASH,
            "Component '%s' of %s has the name of a generated method (%s() of %s); rename the component",
            c.name(), record, c.name(), ownerOf(c.name(), model));
      }
      ComponentModel shadowed = byWither.get(c.name());
      if (shadowed != null) {
        reporter.error(c.element(), Diagnostics.NAME_CLASH,
            "Component '%s' of %s has the name of the generated wither of component '%s'; rename one of them",
            c.name(), record, shadowed.name());
      }
    }
  }

  /**
   * Warns about static components that hold arrays, INDArrays or pytrees: usually params that were
   * meant to be trained. {@code @Field(frozen = true)} says they are meant to be static.
   */
  private void checkStaticComponents(RecordModel model) {
    ParamTypes params = new ParamTypes(elements, types);
    for (ComponentModel c : model.components()) {
      if (c.pytreeNode()) {
        if (c.frozen()) {
          reporter.warning(c.element(), Diagnostics.STATIC_PARAMS,
              "@Field(frozen = true) on '%s' of %s has no effect: it applies to static components"
                  + " (pytreeNode = false)", c.name(), model.rawRecordType().simpleName());
        }
        continue;
      }
      String held = c.frozen() ? null : params.heldParams(c.type());
      if (held != null) {
        reporter.warning(c.element(), Diagnostics.STATIC_PARAMS,
            "Static component '%s' of %s holds %s (%s), so it is part of the tree structure, not leaves: the"
                + " optimizer never updates it, and PyTrees.map and checkpoints skip it%s. Remove"
                + " @Field(pytreeNode = false) to make it a child, or write @Field(pytreeNode = false, frozen ="
                + " true) if it is meant to stay fixed",
            c.name(), model.rawRecordType().simpleName(), held, c.type(),
            held.equals("an array") ? "; and arrays compare by identity, so equal arrays still make different"
                + " structures" : "");
      }
    }
  }

  /** Whether {@code type} erases to Object (Object itself, or a type variable bounded by it). */
  private boolean isObject(TypeMirror type) {
    return types.erasure(type) instanceof DeclaredType declared
        && ((TypeElement) declared.asElement()).getQualifiedName().contentEquals("java.lang.Object");
  }

  /** The companion names every component type; a private type (a private nested class) it cannot name. */
  private void checkComponentTypesAccessible(RecordModel model) {
    for (ComponentModel c : model.components()) {
      TypeElement hidden = PrivateTypes.firstPrivate(c.type());
      if (hidden != null) {
        reporter.error(c.element(), Diagnostics.NOT_ACCESSIBLE,
            "Component '%s' of %s has a type that mentions %s, which is private, so the generated companion"
                + " %s cannot name it. Make %s package-private or public",
            c.name(), model.rawRecordType().simpleName(), hidden.getQualifiedName(), model.companion().simpleName(),
            hidden.getSimpleName());
      }
    }
  }

  private static String ownerOf(String method, RecordModel model) {
    return switch (method) {
      case "build" -> model.companion().simpleName() + ".Builder";
      case "builder", "flatten", "flattenWithPath", "unflatten", "nodeType", "create" -> model.companion().simpleName();
      default -> model.rawRecordType().simpleName();
    };
  }

  private void checkWithClause(RecordModel model) {
    if (model.withInterface() == RecordModel.WithClause.WRONG_ARGUMENTS) {
      reportWithArguments(reporter, model.element(), model.implementsClause());
    }
  }

  static void reportWithArguments(ErrorReporter reporter, TypeElement record, String implementsClause) {
    reporter.error(record, Diagnostics.WITH_ARGUMENTS,
        "%s must implement its With interface with its own type parameters, in order: '%s'",
        record.getSimpleName(), implementsClause);
  }

  private void checkTrainState(RecordModel model, TrainStateModel ts) {
    String record = model.rawRecordType().simpleName();
    requireRole(model, ts.step(), TrainStateModel.STEP, "long step");
    requireRole(model, ts.applyFn(), TrainStateModel.APPLY_FN, "@Field(pytreeNode = false) ApplyFn<Params> applyFn");
    requireRole(model, ts.params(), TrainStateModel.PARAMS, "Params params");
    requireRole(model, ts.tx(), TrainStateModel.TX, "@Field(pytreeNode = false) GradientTransformation tx");
    requireRole(model, ts.optState(), TrainStateModel.OPT_STATE, "OptState optState");

    if (ts.step() != null) {
      if (!TrainStateModel.isIntegerType(ts.step().type())) {
        reporter.error(ts.step().element(), Diagnostics.TRAIN_STATE,
            "'step' of train state %s must be an integer type (long or int), not %s", record, ts.step().type());
      } else {
        requireChild(record, ts.step());
      }
    }
    for (ComponentModel fn : new ComponentModel[] {ts.applyFn(), ts.tx()}) {
      if (fn != null && fn.pytreeNode()) {
        reporter.error(fn.element(), Diagnostics.TRAIN_STATE,
            "'%s' of train state %s must be static: annotate it @Field(pytreeNode = false), as Flax's TrainState"
                + " declares struct.field(pytree_node=False); otherwise it would be a leaf of the tree",
            fn.name(), record);
      }
    }
    if (ts.tx() != null) {
      TypeElement transformation = elements.getTypeElement(RuntimeNames.GRADIENT_TRANSFORMATION);
      if (transformation != null && !types.isAssignable(ts.tx().type(), transformation.asType())) {
        reporter.error(ts.tx().element(), Diagnostics.TRAIN_STATE,
            "'tx' of train state %s must be a %s, not %s", record, RuntimeNames.GRADIENT_TRANSFORMATION, ts.tx().type());
      }
    }
    if (ts.optState() != null) {
      TypeElement optState = elements.getTypeElement(RuntimeNames.OPT_STATE);
      if (optState != null && !types.isSameType(optState.asType(), ts.optState().type())) {
        reporter.error(ts.optState().element(), Diagnostics.TRAIN_STATE,
            "'optState' of train state %s must be declared as %s (what tx.init returns), not %s",
            record, RuntimeNames.OPT_STATE, ts.optState().type());
      } else {
        requireChild(record, ts.optState());
      }
    }
    if (ts.params() != null) {
      if (!isPytreeType(ts.params().type())) {
        reporter.error(ts.params().element(), Diagnostics.TRAIN_STATE,
            "'params' of train state %s must be a pytree (a @PyTreeNode record, a Map, a List, an INDArray"
                + " or a type variable), not %s",
            record, ts.params().type());
      } else {
        requireChild(record, ts.params());
      }
    }
  }

  private void requireRole(RecordModel model, ComponentModel role, String name, String declaration) {
    if (role == null) {
      reporter.error(model.element(), Diagnostics.TRAIN_STATE,
          "%s looks like a train state but has no '%s' component. A train state needs step, applyFn, params,"
              + " tx and optState, as Flax's TrainState; add '%s'%s",
          model.rawRecordType().simpleName(), name, declaration, renameHint(model, name));
    }
  }

  /** When the optimizer is there under another name: {@code (or rename 'optimizer' to 'tx')}. */
  private String renameHint(RecordModel model, String role) {
    if (!role.equals(TrainStateModel.TX)) {
      return "";
    }
    TypeElement transformation = elements.getTypeElement(RuntimeNames.GRADIENT_TRANSFORMATION);
    for (ComponentModel c : model.components()) {
      if (transformation != null && types.isAssignable(c.type(), types.erasure(transformation.asType()))) {
        return " (or rename '" + c.name() + "' to 'tx')";
      }
    }
    return "";
  }

  private void requireChild(String record, ComponentModel role) {
    if (!role.pytreeNode()) {
      reporter.error(role.element(), Diagnostics.TRAIN_STATE,
          "'%s' of train state %s must be a pytree child: remove @Field(pytreeNode = false)", role.name(), record);
    }
  }

  private boolean isPytreeType(TypeMirror type) {
    if (type.getKind() == TypeKind.TYPEVAR) {
      return true;
    }
    if (type.getKind() != TypeKind.DECLARED) {
      return false;
    }
    TypeElement element = (TypeElement) ((DeclaredType) type).asElement();
    if (ModelReader.hasAnnotation(element, RuntimeNames.PY_TREE_NODE)
        || element.getQualifiedName().contentEquals("java.lang.Object")) {
      return true;
    }
    for (String container : new String[] {"java.util.Map", "java.util.List", RuntimeNames.INDARRAY,
        RuntimeNames.CUSTOM_NODE}) {
      TypeElement containerType = elements.getTypeElement(container);
      if (containerType != null && types.isAssignable(types.erasure(type), types.erasure(containerType.asType()))) {
        return true;
      }
    }
    return false;
  }
}
