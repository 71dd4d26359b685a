package org.pytree4j.serialization;

/**
 * A complex number leaf: Python's {@code complex} (msgpack ext type 2 in Flax's format) and numpy's
 * complex64/complex128 scalars. ND4J has no complex arrays, so complex values exist only as scalars.
 *
 * @param real the real part
 * @param imag the imaginary part
 */
public record Complex(double real, double imag) {}
