/**
 * Ready-made layers for graphs built with {@link org.pytree4j.grad.Graph}, with Flax's semantics and
 * defaults: {@link org.pytree4j.nn.BatchNorm} ({@code flax.linen.BatchNorm}) and
 * {@link org.pytree4j.nn.Dropout} ({@code flax.linen.Dropout}).
 */
package org.pytree4j.nn;
