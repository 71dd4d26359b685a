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
 * {@code state.applyGradients(grads)} (the old state keeps its values) and
 * {@code state.applyGradientsDonating(grads)} on 10M float32 params in 1 or 1000 leaves, for adam and
 * for {@code chain(clipByGlobalNorm, injectHyperparams(adam))}, and for {@code lion} (an op the native and
 * Vector API kernels do not know: the engine's Java pass). Each invocation continues from the
 * state the previous one returned and drops the one before, as a training loop does.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Thread)
public class ApplyGradientsBenchmark {
  @Param({"10000000"})
  public long params;

  @Param({"1", "1000"})
  public int leaves;

  @Param({"adam", "clip+inject(adam)", "lion"})
  public String tx;

  TrainState<SortedMap<String, INDArray>> state;
  SortedMap<String, INDArray> grads;

  @Setup
  public void setup() {
    state = Steps.state(params, leaves, Steps.tx(tx));
    grads = Steps.grads(state.params());
  }

  // an immutable loop over 10M params makes its first 20 or so steps with new memory (100-300 ms
  // each) while the pool builds up the slabs it circulates between collections, about 5 s here;
  // after 5 s of warmup one run (Y) measured that tail: 229 ms a step against 17-18 ms
  @Benchmark
  @Warmup(iterations = 10, time = 1)
  public TrainState<SortedMap<String, INDArray>> applyGradients() {
    state = state.applyGradients(grads);
    return state;
  }

  @Benchmark
  public TrainState<SortedMap<String, INDArray>> applyGradientsDonating() {
    state = state.applyGradientsDonating(grads);
    return state;
  }
}
