package org.pytree4j.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The floor ({@link FloorKernels}) on one core and on two, for adam and for clip + adam. */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Thread)
public class FloorBenchmark {
  @Param({"10000000"})
  public int params;

  FloorArrays a;
  int t;

  @Setup
  public void setup() {
    a = new FloorArrays(params);
  }

  @Benchmark
  public float[] adam() {
    FloorKernels.adam(a.p, a.g, a.mu, a.nu, 0, params, ++t, 1e-3, 0, 0);
    return a.p;
  }

  @Benchmark
  public float[] adamTwoCores() {
    int step = ++t;
    int half = params / 2;
    FloorKernels.onTwoCores(() -> FloorKernels.adam(a.p, a.g, a.mu, a.nu, 0, half, step, 1e-3, 0, 0),
        () -> FloorKernels.adam(a.p, a.g, a.mu, a.nu, half, params, step, 1e-3, 0, 0));
    return a.p;
  }

  @Benchmark
  public float[] clipAdam() {
    double norm = Math.sqrt(FloorKernels.sumOfSquares(a.g, 0, params));
    FloorKernels.adam(a.p, a.g, a.mu, a.nu, 0, params, ++t, 1e-3, norm, 1.0);
    return a.p;
  }

  @Benchmark
  public float[] clipAdamTwoCores() {
    int step = ++t;
    int half = params / 2 / FloorKernels.CHUNK * FloorKernels.CHUNK;
    double[] sums = new double[2];
    FloorKernels.onTwoCores(() -> sums[0] = FloorKernels.sumOfSquares(a.g, 0, half),
        () -> sums[1] = FloorKernels.sumOfSquares(a.g, half, params));
    double norm = Math.sqrt(sums[0] + sums[1]);
    FloorKernels.onTwoCores(() -> FloorKernels.adam(a.p, a.g, a.mu, a.nu, 0, half, step, 1e-3, norm, 1.0),
        () -> FloorKernels.adam(a.p, a.g, a.mu, a.nu, half, params, step, 1e-3, norm, 1.0));
    return a.p;
  }
}
