package org.pytree4j.benchmarks;

import java.util.SortedMap;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.ndarray.INDArray;
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
import org.pytree4j.train.TrainState;

/**
 * How an adam {@code applyGradients} step grows with the number of params (1K to 1M in one leaf; 10M
 * is in {@link ApplyGradientsBenchmark}) and with the number of leaves (1 to 10K leaves holding 1M
 * params; also with {@code flatten(adam)}), next to the floor for the same number of params. Cases are
 * {@code params:leaves}.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class ScalingBenchmark {

  /** A train state of {@code params:leaves}. */
  @State(Scope.Thread)
  public static class Step {
    @Param({"1000:1", "10000:1", "100000:1", "1000000:1", "1000000:10", "1000000:100", "1000000:1000", "1000000:10000"})
    public String shape;

    TrainState<SortedMap<String, INDArray>> state;
    SortedMap<String, INDArray> grads;

    @Setup
    public void setup() {
      long[] c = Trees.parseCase(shape);
      state = Steps.state(c[0], (int) c[1], Steps.tx("adam"));
      grads = Steps.grads(state.params());
    }
  }

  /** The same, with Optax's answer to many small leaves: {@code flatten(adam)} keeps each moment as one vector. */
  @State(Scope.Thread)
  public static class FlattenedStep {
    @Param({"1000000:1", "1000000:1000", "1000000:10000"})
    public String shape;

    TrainState<SortedMap<String, INDArray>> state;
    SortedMap<String, INDArray> grads;

    @Setup
    public void setup() {
      long[] c = Trees.parseCase(shape);
      state = Steps.state(c[0], (int) c[1], Steps.tx("flatten(adam)"));
      grads = Steps.grads(state.params());
    }
  }

  /** Float arrays of {@code params} elements for the floor. */
  @State(Scope.Thread)
  public static class Floor {
    @Param({"1000", "10000", "100000", "1000000"})
    public int params;

    FloorArrays a;
    int t;

    @Setup
    public void setup() {
      a = new FloorArrays(params);
    }
  }

  @Benchmark
  public TrainState<SortedMap<String, INDArray>> applyGradients(Step s) {
    s.state = s.state.applyGradients(s.grads);
    return s.state;
  }

  @Benchmark
  public TrainState<SortedMap<String, INDArray>> applyGradientsDonating(Step s) {
    s.state = s.state.applyGradientsDonating(s.grads);
    return s.state;
  }

  @Benchmark
  public TrainState<SortedMap<String, INDArray>> applyGradientsFlattened(FlattenedStep s) {
    s.state = s.state.applyGradients(s.grads);
    return s.state;
  }

  @Benchmark
  public TrainState<SortedMap<String, INDArray>> applyGradientsDonatingFlattened(FlattenedStep s) {
    s.state = s.state.applyGradientsDonating(s.grads);
    return s.state;
  }

  @Benchmark
  public float[] floor(Floor f) {
    FloorKernels.adam(f.a.p, f.a.g, f.a.mu, f.a.nu, 0, f.params, ++f.t, 1e-3, 0, 0);
    return f.a.p;
  }
}
