package org.pytree4j.train;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.Field;
import org.pytree4j.PyTreeNode;
import org.pytree4j.optim.GradientTransformation;
import org.pytree4j.optim.OptState;

/** Flax's custom TrainState with batch statistics, as a user would declare it. */
@PyTreeNode
public record BatchNormTrainState(
    long step,
    @Field(pytreeNode = false) ApplyFn<Map<String, Object>> applyFn,
    Map<String, Object> params,
    @Field(pytreeNode = false) GradientTransformation tx,
    OptState optState,
    Map<String, INDArray> batchStats)
    implements BatchNormTrainStatePyTree.With {}
