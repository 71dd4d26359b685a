package org.pytree4j.processor;

import java.util.List;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/**
 * The five roles of a Flax {@code TrainState} found in a record, and the user's extra components.
 * Any role may be null when the record lacks it; the validator reports that.
 */
record TrainStateModel(
    ComponentModel step,
    ComponentModel applyFn,
    ComponentModel params,
    ComponentModel tx,
    ComponentModel optState,
    List<ComponentModel> extras) {

  static final String STEP = "step";
  static final String APPLY_FN = "applyFn";
  static final String PARAMS = "params";
  static final String TX = "tx";
  static final String OPT_STATE = "optState";

  static final List<String> ROLES = List.of(STEP, APPLY_FN, PARAMS, TX, OPT_STATE);

  /** {@code long} or {@code Long}; type annotations ({@code @NonNegative long}) do not matter. */
  static boolean isLong(TypeMirror type) {
    return type.getKind() == TypeKind.LONG || isBoxed(type, "java.lang.Long");
  }

  /** The types a step counter may have: {@code long}, {@code int} and their boxes. */
  static boolean isIntegerType(TypeMirror type) {
    return isLong(type) || type.getKind() == TypeKind.INT || isBoxed(type, "java.lang.Integer");
  }

  private static boolean isBoxed(TypeMirror type, String box) {
    return type instanceof DeclaredType declared
        && declared.asElement() instanceof TypeElement element
        && element.getQualifiedName().contentEquals(box);
  }
}
