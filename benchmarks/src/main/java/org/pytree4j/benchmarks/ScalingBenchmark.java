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
import org.openjdk.jmh.infra.BenchmarkParams;
import org.pytree4j.train.TrainState;

/**
 * How an adam {@code applyGradients} step grows with the number of params (1K to 1M in one leaf; 10M
 * is in {@link ApplyGradientsBenchmark}) and with the number of leaves (1 to 10K leaves holding 1M
 * params; also with {@code flatten(adam)}, and with gradients sliced from one vector), next to the floor
 * for the same number of params. Cases are {@code params:leaves}.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 2, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class ScalingBenchmark {
  /** From this many leaves a case settles before JMH's warmup ({@link Training#settle}). */
  static final int MANY_LEAVES = 10_000;

  /** A train state of {@code params:leaves} and its fixed gradients; each step continues from the last. */
  public abstract static class Training {
    TrainState<SortedMap<String, INDArray>> state;
    SortedMap<String, INDArray> grads;
    boolean donate;
    int leaves;

    void start(String shape, String tx, BenchmarkParams benchmark) {
      long[] c = Trees.parseCase(shape);
      leaves = (int) c[1];
      state = Steps.state(c[0], leaves, Steps.tx(tx));
      grads = Steps.grads(state.params());
      donate = benchmark.getBenchmark().contains("Donating");
    }

    TrainState<SortedMap<String, INDArray>> step() {
      state = donate ? state.applyGradientsDonating(grads) : state.applyGradients(grads);
      return state;
    }

    /**
     * Steps over {@value #MANY_LEAVES} leaves take seconds to settle, where the other cases need no more
     * than JMH's warmup. Donating, 5-8 s here: the per-leaf loops are compiled while the step keeps both
     * cores busy (with 2 s of warmup the median still included that). Immutable, about 10 s: each step
     * leaves a state of 30,000 new arrays alive, which G1 copies at every young collection; it keeps its
     * young generation at its initial 100 MB, promoting part of every state, until a full collection
     * (measured: 25-60 ms a step before, 8.5 ms after). Stepping that long here, before the warmup,
     * spares every other case the same wait.
     */
    void settle() {
      if (leaves < MANY_LEAVES) {
        return;
      }
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(donate ? 4 : 10);
      while (System.nanoTime() < end) {
        step();
      }
    }
  }

  /** adam on {@code params:leaves}. */
  @State(Scope.Thread)
  public static class Step extends Training {
    @Param({"1000:1", "10000:1", "100000:1", "1000000:1", "1000000:10", "1000000:100", "1000000:1000", "1000000:10000"})
    public String shape;

    @Setup
    public void setup(BenchmarkParams benchmark) {
      start(shape, "adam", benchmark);
      settle();
    }
  }

  /** The same with Optax's answer to many small leaves: {@code flatten(adam)} keeps each moment as one vector. */
  @State(Scope.Thread)
  public static class FlattenedStep extends Training {
    @Param({"1000000:1", "1000000:1000", "1000000:10000"})
    public String shape;

    @Setup
    public void setup(BenchmarkParams benchmark) {
      start(shape, "flatten(adam)", benchmark);
      settle();
    }
  }

  /** adam on {@code params:leaves} whose gradients are slices of one vector (DL4J's flattened gradient view). */
  @State(Scope.Thread)
  public static class SlicedGradsStep extends Training {
    @Param({"1000000:10000"})
    public String shape;

    @Setup
    public void setup(BenchmarkParams benchmark) {
      start(shape, "adam", benchmark);
      grads = Trees.gradsSlicedLike(state.params(), 11);
      settle();
    }
  }

  /**
   * adam on {@code params:leaves} whose gradients are laid out as {@code valueAndGrad} lays out float32
   * gradients ({@code StepEngine.float32Arrays}): one block, in the step's layout.
   */
  @State(Scope.Thread)
  public static class LaidOutGradsStep extends Training {
    @Param({"1000000:1", "1000000:10000"})
    public String shape;

    @Setup
    public void setup(BenchmarkParams benchmark) {
      start(shape, "adam", benchmark);
      grads = Trees.gradsLaidOutLike(state.params(), 11);
      settle();
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
    return s.step();
  }

  @Benchmark
  public TrainState<SortedMap<String, INDArray>> applyGradientsDonating(Step s) {
    return s.step();
  }

  @Benchmark
  public TrainState<SortedMap<String, INDArray>> applyGradientsFlattened(FlattenedStep s) {
    return s.step();
  }

  @Benchmark
  public TrainState<SortedMap<String, INDArray>> applyGradientsDonatingFlattened(FlattenedStep s) {
    return s.step();
  }

  @Benchmark
  public TrainState<SortedMap<String, INDArray>> applyGradientsSlicedGrads(SlicedGradsStep s) {
    return s.step();
  }

  @Benchmark
  public TrainState<SortedMap<String, INDArray>> applyGradientsDonatingSlicedGrads(SlicedGradsStep s) {
    return s.step();
  }

  @Benchmark
  public TrainState<SortedMap<String, INDArray>> applyGradientsLaidOutGrads(LaidOutGradsStep s) {
    return s.step();
  }

  @Benchmark
  public TrainState<SortedMap<String, INDArray>> applyGradientsDonatingLaidOutGrads(LaidOutGradsStep s) {
    return s.step();
  }

  @Benchmark
  @Warmup(iterations = 1, time = 1)
  public float[] floor(Floor f) {
    FloorKernels.adam(f.a.p, f.a.g, f.a.mu, f.a.nu, 0, f.params, ++f.t, 1e-3, 0, 0);
    return f.a.p;
  }
}
