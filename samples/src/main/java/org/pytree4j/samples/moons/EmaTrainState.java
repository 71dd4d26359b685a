package org.pytree4j.samples.moons;

import org.pytree4j.Field;
import org.pytree4j.PyTreeNode;
import org.pytree4j.optim.GradientTransformation;
import org.pytree4j.optim.OptState;
import org.pytree4j.samples.moons.MoonsModel.MlpParams;
import org.pytree4j.train.ApplyFn;

/**
 * A custom train state: Flax's five components plus an exponential moving average of the params,
 * updated every step through {@code applyGradients(grads, b -> b.emaParams(...))} and used for
 * evaluation.
 */
@PyTreeNode
public record EmaTrainState(
    long step,
    @Field(pytreeNode = false) ApplyFn<MlpParams> applyFn,
    MlpParams params,
    @Field(pytreeNode = false) GradientTransformation tx,
    OptState optState,
    MlpParams emaParams)
    implements EmaTrainStatePyTree.With {}
