package org.pytree4j.benchmarks;

import static org.pytree4j.optim.Optax.adam;
import static org.pytree4j.optim.Optax.applyIfFinite;
import static org.pytree4j.optim.Optax.chain;
import static org.pytree4j.optim.Optax.clipByGlobalNorm;
import static org.pytree4j.optim.Optax.multiSteps;
import static org.pytree4j.optim.Optax.partition;
import static org.pytree4j.optim.Optax.setToZero;

import java.util.Map;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.pytree4j.optim.GradientTransformation;
import org.pytree4j.optim.Labels;
import org.pytree4j.optim.OptState;
import org.pytree4j.optim.Optax;
import org.pytree4j.optim.OptimizerStep;
import org.pytree4j.optim.StepEngine;

/**
 * The wrappers' donated steps beside adam's, on 1M float32 params in two leaves, on one thread and
 * the Java kernels (the pass every wrapper op runs in), each invocation continuing from the last:
 * <ul>
 *   <li>{@code MultiSteps(adam) mini-step} ({@code every_k_schedule} too large to finish): reads the
 *       gradients and the accumulator, writes the accumulator;</li>
 *   <li>{@code MultiSteps(adam) last mini-step} ({@code k = 1}): the accumulation and adam in one pass;</li>
 *   <li>{@code MultiSteps(clip+adam) last mini-step}: two passes (the clip needs the accumulated norm);</li>
 *   <li>{@code apply_if_finite(adam)}: one read of the gradients, then adam's pass;</li>
 *   <li>{@code partition(adam, set_to_zero)}: unfused (half the params each);</li>
 *   <li>{@code incremental_update}: {@code incrementalUpdate(params, ema, 1e-3)}, not a step.</li>
 * </ul>
 * Not in {@link RunAll}'s default run; run it by name: {@code java -jar benchmarks.jar WrappersBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Thread)
public class WrappersBenchmark {
  @Param({"1000000"})
  public long params;

  @Param({"adam", "MultiSteps(adam) mini-step", "MultiSteps(adam) last mini-step",
      "MultiSteps(clip+adam) last mini-step", "apply_if_finite(adam)", "partition(adam, set_to_zero)",
      "incremental_update"})
  public String step;

  StepEngine engine;
  GradientTransformation tx;
  SortedMap<String, INDArray> current;
  OptState state;
  SortedMap<String, INDArray> grads;
  SortedMap<String, INDArray> ema;

  static GradientTransformation tx(String step) {
    return switch (step) {
      case "adam", "incremental_update" -> adam(1e-3);
      case "MultiSteps(adam) mini-step" -> multiSteps(adam(1e-3), Integer.MAX_VALUE);
      case "MultiSteps(adam) last mini-step" -> multiSteps(adam(1e-3), 1);
      case "MultiSteps(clip+adam) last mini-step" -> multiSteps(chain(clipByGlobalNorm(1.0), adam(1e-3)), 1);
      case "apply_if_finite(adam)" -> applyIfFinite(adam(1e-3), 5);
      case "partition(adam, set_to_zero)" -> partition(Map.of("trainable", adam(1e-3), "frozen", setToZero()),
          Labels.byPath(path -> path.keystr().contains("w00000") ? "frozen" : "trainable"));
      default -> throw new IllegalArgumentException(step);
    };
  }

  @Setup
  public void setup() {
    engine = StepEngine.builder().threads(1).javaOnly().build();
    tx = tx(step);
    current = Trees.params(params, 2, 7);
    ema = current;
    state = tx.init(current);
    grads = Steps.grads(current);
  }

  @TearDown
  public void tearDown() {
    engine.close();
  }

  @Benchmark
  public Object run() {
    if (step.equals("incremental_update")) {
      ema = Optax.incrementalUpdate(current, ema, 1e-3);
      return ema;
    }
    OptimizerStep<SortedMap<String, INDArray>> next = engine.stepDonating(tx, current, state, grads);
    current = next.params();
    state = next.state();
    return next;
  }
}
