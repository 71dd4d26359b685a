package org.pytree4j.optim;

import org.pytree4j.PyTreeNode;

/**
 * Optax's {@code MaskedState(inner_state)}: the state of {@link Masked}.
 *
 * @param innerState the state of the masked transformation, with None (null) where the mask is false
 */
@PyTreeNode
public record MaskedState(OptState innerState) implements OptState, MaskedStatePyTree.With {}
