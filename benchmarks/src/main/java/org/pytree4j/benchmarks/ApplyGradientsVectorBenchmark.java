package org.pytree4j.benchmarks;

import org.openjdk.jmh.annotations.Fork;

/**
 * {@link ApplyGradientsBenchmark} in a JVM started with {@code --add-modules jdk.incubator.vector} and
 * without the native kernel, where the fused step reads and writes the slabs directly with vector
 * kernels instead of copying blocks into scratch arrays.
 */
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "--add-modules", "jdk.incubator.vector",
    "-Dpytree4j.optim.native=false"})
public class ApplyGradientsVectorBenchmark extends ApplyGradientsBenchmark {}
