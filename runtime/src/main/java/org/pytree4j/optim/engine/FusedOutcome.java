package org.pytree4j.optim.engine;

import java.util.List;

/**
 * What a fused step made: the new params (a tree of the params' structure) and the new state trees,
 * in the order of the plan's.
 */
public record FusedOutcome(Object params, List<Object> stateTrees) {}
