package org.pytree4j.benchmarks;

import org.openjdk.jmh.annotations.Fork;

/**
 * {@link ApplyGradientsBenchmark} without the native kernel ({@code -Dpytree4j.optim.native=false}):
 * the Java pass that copies each block into scratch arrays, as on a machine the library is not
 * built for.
 */
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-Dpytree4j.optim.native=false"})
public class ApplyGradientsJavaBenchmark extends ApplyGradientsBenchmark {}
