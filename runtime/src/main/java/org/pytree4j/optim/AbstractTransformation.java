package org.pytree4j.optim;

import java.util.Map;
import org.pytree4j.KeyEntry;
import org.pytree4j.KeyPath;

/**
 * The shape shared by this package's transformations: {@code update} first checks every input
 * ({@link #check}: structure, shapes, dtypes, state type, hyperparameters) and only then computes
 * ({@link #apply}), so that bad input fails before anything is computed. Containers ({@code chain},
 * {@code masked}, {@code injectHyperparams}) check all of their parts before any of them computes.
 */
abstract class AbstractTransformation implements GradientTransformationExtraArgs {

  /**
   * Throws {@link OptimizerInputException} (state paths relative to {@code state}) when the inputs do
   * not fit; computes nothing.
   */
  abstract void check(Object updates, OptState state, Object params, Map<String, ?> extraArgs);

  /** The update, for inputs that passed {@link #check}. */
  abstract UpdateResult apply(Object updates, OptState state, Object params, Map<String, ?> extraArgs);

  /**
   * This update as elementwise ops for a fused step ({@link FusedPart}), for inputs that passed
   * {@link #check}; null when it cannot be fused (the step then runs {@link #apply}). Computes nothing.
   */
  FusedPart fuse(OptState state, Map<String, ?> extraArgs) {
    return null;
  }

  /**
   * {@link #fuse} when this transformation's input updates are the step's gradients {@code grads}
   * (it runs first in the step), for transformations that decide from them ({@code apply_if_finite},
   * {@code MultiSteps}). {@code grads} and {@code params} are not checked yet: whatever goes wrong
   * here returns the unfused step, whose checks name it. Containers pass them to the part that runs first.
   */
  FusedPart fuseOnGrads(OptState state, Map<String, ?> extraArgs, Object grads, Object params) {
    return fuse(state, extraArgs);
  }

  /** {@code part.fuse(..)} when {@code part} is one of this package's transformations, else null. */
  static FusedPart fusePart(GradientTransformation part, OptState state, Map<String, ?> extraArgs) {
    return part instanceof AbstractTransformation known ? known.fuse(state, extraArgs) : null;
  }

  /** {@code part.fuseOnGrads(..)} when {@code part} is one of this package's transformations, else null. */
  static FusedPart fusePartOnGrads(GradientTransformation part, OptState state, Map<String, ?> extraArgs,
      Object grads, Object params) {
    return part instanceof AbstractTransformation known ? known.fuseOnGrads(state, extraArgs, grads, params) : null;
  }

  @Override
  public final UpdateResult update(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    Map<String, ?> extra = extraArgs == null ? Map.of() : extraArgs;
    check(updates, state, params, extra);
    return apply(updates, state, params, extra);
  }

  @Override
  public final UpdateResult update(Object updates, OptState state, Object params) {
    return update(updates, state, params, Map.of());
  }

  /**
   * Checks a part held under {@code prefix} of the state. Returns false for a transformation of
   * another kind, which checks itself when it runs.
   */
  static boolean checkPart(GradientTransformation part, Object updates, OptState state, Object params,
      Map<String, ?> extraArgs, KeyEntry... prefix) {
    if (!(part instanceof AbstractTransformation known)) {
      return false;
    }
    try {
      known.check(updates, state, params, extraArgs);
    } catch (OptimizerInputException e) {
      throw e.under(prefix);
    }
    return true;
  }

  /** Runs a part: without checking again when {@code checked}, otherwise its full {@code update}. */
  static UpdateResult applyPart(GradientTransformation part, boolean checked, Object updates, OptState state,
      Object params, Map<String, ?> extraArgs, KeyEntry... prefix) {
    if (checked) {
      return ((AbstractTransformation) part).apply(updates, state, params, extraArgs);
    }
    try {
      if (part instanceof GradientTransformationExtraArgs withArgs) {
        return withArgs.update(updates, state, params, extraArgs);
      }
      return part.update(updates, state, params);
    } catch (OptimizerInputException e) {
      throw e.under(prefix);
    }
  }

  /** {@code state} as the state type this transformation keeps, or an error naming both types. */
  static <S extends OptState> S stateAs(OptState state, Class<S> type, String transformation) {
    if (type.isInstance(state)) {
      return type.cast(state);
    }
    throw OptimizerInputException.inState("the optimizer state does not fit " + transformation, KeyPath.root(),
        "expected a " + type.getSimpleName() + " but found "
            + (state == null ? "None (null)" : state.getClass().getSimpleName()));
  }
}
