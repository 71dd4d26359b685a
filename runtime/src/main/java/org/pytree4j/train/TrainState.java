package org.pytree4j.train;

import org.pytree4j.Field;
import org.pytree4j.PyTreeNode;
import org.pytree4j.optim.GradientTransformation;
import org.pytree4j.optim.OptState;

/**
 * Flax's {@code flax.training.train_state.TrainState}, for the plain case.
 *
 * <pre>{@code
 * TrainState<Params> state = TrainStatePyTree.create(applyFn, params, tx);
 * state = state.applyGradients(grads);        // tx.update, applyUpdates, step + 1
 * }</pre>
 *
 * <p>For extra components (batch statistics, an EMA of the params ...) declare your own record with
 * these five components plus yours; the processor generates the same {@code create} and
 * {@code applyGradients} for it.
 *
 * @param step the number of {@code applyGradients} calls so far
 * @param applyFn the model's forward function (static: not a leaf)
 * @param params the parameters being optimized
 * @param tx the optimizer (static: not a leaf)
 * @param optState the optimizer's state
 * @param <P> the params tree type
 */
@PyTreeNode
public record TrainState<P>(
    long step,
    @Field(pytreeNode = false) ApplyFn<P> applyFn,
    P params,
    @Field(pytreeNode = false) GradientTransformation tx,
    OptState optState)
    implements TrainStatePyTree.With<P> {}
