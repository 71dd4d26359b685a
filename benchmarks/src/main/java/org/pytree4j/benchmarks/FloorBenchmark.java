package org.pytree4j.benchmarks;

import java.util.Random;
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
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Thread)
public class FloorBenchmark {
  @Param({"10000000"})
  public int params;

  float[] p;
  float[] g;
  float[] mu;
  float[] nu;
  int t;

  @Setup
  public void setup() {
    Random r = new Random(1);
    p = new float[params];
    g = new float[params];
    mu = new float[params];
    nu = new float[params];
    for (int i = 0; i < params; i++) {
      p[i] = (float) r.nextGaussian();
      g[i] = (float) (0.01 * r.nextGaussian());
    }
  }

  @Benchmark
  public float[] adam() {
    FloorKernels.adam(p, g, mu, nu, 0, params, ++t, 1e-3, 0, 0);
    return p;
  }

  @Benchmark
  public float[] adamTwoCores() {
    int step = ++t;
    int half = params / 2;
    FloorKernels.onTwoCores(() -> FloorKernels.adam(p, g, mu, nu, 0, half, step, 1e-3, 0, 0),
        () -> FloorKernels.adam(p, g, mu, nu, half, params, step, 1e-3, 0, 0));
    return p;
  }

  @Benchmark
  public float[] clipAdam() {
    double norm = Math.sqrt(FloorKernels.sumOfSquares(g, 0, params));
    FloorKernels.adam(p, g, mu, nu, 0, params, ++t, 1e-3, norm, 1.0);
    return p;
  }

  @Benchmark
  public float[] clipAdamTwoCores() {
    int step = ++t;
    int half = params / 2 / FloorKernels.CHUNK * FloorKernels.CHUNK;
    double[] sums = new double[2];
    FloorKernels.onTwoCores(() -> sums[0] = FloorKernels.sumOfSquares(g, 0, half),
        () -> sums[1] = FloorKernels.sumOfSquares(g, half, params));
    double norm = Math.sqrt(sums[0] + sums[1]);
    FloorKernels.onTwoCores(() -> FloorKernels.adam(p, g, mu, nu, 0, half, step, 1e-3, norm, 1.0),
        () -> FloorKernels.adam(p, g, mu, nu, half, params, step, 1e-3, norm, 1.0));
    return p;
  }
}
