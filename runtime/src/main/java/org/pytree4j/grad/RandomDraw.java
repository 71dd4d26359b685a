package org.pytree4j.grad;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * One random array a graph draws per call ({@link Graph#bernoulli}): a placeholder that each call fills
 * with {@code jax.random.bernoulli(split(rng, n)[index], p, shape)}, where the shape is that of the
 * variable {@code like} in this call (computed once per batch size).
 *
 * @param index the draw's position among the graph's draws, in the order the loss function made them
 * @param placeholder the placeholder's name
 * @param like the variable whose shape the draw takes
 * @param p the probability of a 1
 * @param dataType the placeholder's data type
 */
record RandomDraw(int index, String placeholder, String like, double p, DataType dataType) {}
