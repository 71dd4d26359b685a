package org.pytree4j.optim;

import org.pytree4j.PyTreeNode;

/**
 * Optax's {@code MultiStepsState(mini_step, gradient_step, inner_opt_state, acc_grads, skip_state)}:
 * the state of {@link MultiSteps}.
 *
 * @param miniStep mini-steps accumulated since the last update of the inner optimizer (int32)
 * @param gradientStep updates of the inner optimizer so far (int32, saturating)
 * @param innerOptState the state of the wrapped optimizer
 * @param accGrads the gradients accumulated so far (their mean, or sum): a tree like the params, in
 *     the accumulator dtype (float32 by default)
 * @param skipState what the {@link ShouldSkipUpdate} function returned at the latest update (Optax's
 *     {@code ()}, an empty list, without one)
 */
@PyTreeNode
public record MultiStepsState(int miniStep, int gradientStep, OptState innerOptState, Object accGrads, Object skipState)
    implements OptState, MultiStepsStatePyTree.With {}
