package org.pytree4j.serialization;

import java.util.Map;
import org.pytree4j.PyTreeNode;
import org.pytree4j.optim.OptState;

/** Shaped like Optax's {@code ScaleByAdamState(count, mu, nu)}, for tests. */
@PyTreeNode
public record AdamLikeState(int count, Map<String, Object> mu, Map<String, Object> nu)
    implements OptState, AdamLikeStatePyTree.With {}
