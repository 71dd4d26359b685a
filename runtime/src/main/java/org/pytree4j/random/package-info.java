/**
 * JAX's PRNG keys in Java: {@link org.pytree4j.random.PRNGKey}, with {@code split}, {@code fold_in},
 * {@code uniform} and {@code bernoulli} on Threefry-2x32 and JAX's key layout (JAX 0.5's default
 * streams). A key is a pytree leaf and serializes as JAX's raw key data.
 */
package org.pytree4j.random;
