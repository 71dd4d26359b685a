package org.pytree4j.benchmarks;

import static org.pytree4j.optim.Optax.adabelief;
import static org.pytree4j.optim.Optax.adafactor;
import static org.pytree4j.optim.Optax.adagrad;
import static org.pytree4j.optim.Optax.adam;
import static org.pytree4j.optim.Optax.adamax;
import static org.pytree4j.optim.Optax.applyUpdates;
import static org.pytree4j.optim.Optax.lamb;
import static org.pytree4j.optim.Optax.lars;
import static org.pytree4j.optim.Optax.rmsprop;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
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
import org.pytree4j.optim.OptState;
import org.pytree4j.optim.OptimizerStep;
import org.pytree4j.optim.StepEngine;
import org.pytree4j.optim.UpdateResult;

/**
 * One donated step of each optimizer of issue 28 beside adam, on 1M float32 params (a [1000, 1000]
 * kernel, which adafactor factors, and a bias of 1000), three ways: {@code fused} (Optax.stepDonating
 * on the default engine: the native kernel and Vector API where they apply), {@code fused-java} (the
 * same on an engine with the Java array kernels only) and {@code unfused} ({@code tx.update} then
 * {@code applyUpdates}). adagrad, adabelief, adamax and rmsprop fuse through their
 * {@code ElementwiseOp.Custom}, which only the Java pass runs; lamb, lars and adafactor do not fuse,
 * so their three ways are the same work. Not in the default run:
 * {@code java -jar benchmarks/target/benchmarks.jar OptimizersBenchmark}.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 4, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Thread)
public class OptimizersBenchmark {
  @Param({"adam", "adagrad", "adabelief", "adamax", "rmsprop", "lamb", "lars", "adafactor"})
  public String optimizer;

  @Param({"fused", "fused-java", "unfused"})
  public String path;

  GradientTransformation tx;
  StepEngine engine;
  SortedMap<String, INDArray> params;
  SortedMap<String, INDArray> grads;
  OptState state;

  static GradientTransformation optimizer(String name) {
    return switch (name) {
      case "adam" -> adam(1e-3);
      case "adagrad" -> adagrad(1e-2);
      case "adabelief" -> adabelief(1e-3);
      case "adamax" -> adamax(1e-3);
      case "rmsprop" -> rmsprop(1e-3);
      case "lamb" -> lamb(1e-3);
      case "lars" -> lars(1e-1);
      case "adafactor" -> adafactor(1e-3);
      default -> throw new IllegalArgumentException(name);
    };
  }

  @Setup
  public void setup() {
    tx = optimizer(optimizer);
    engine = path.equals("fused-java") ? StepEngine.builder().javaOnly().build() : StepEngine.defaultEngine();
    Nd4j.getRandom().setSeed(7);
    TreeMap<String, INDArray> p = new TreeMap<>();
    p.put("bias", Nd4j.randn(DataType.FLOAT, 1000));
    p.put("kernel", Nd4j.randn(DataType.FLOAT, 1000, 1000));
    params = p;
    grads = Trees.gradsLike(params, 11);
    state = tx.init(params);
  }

  @TearDown
  public void tearDown() {
    if (engine != StepEngine.defaultEngine()) {
      engine.close();
    }
  }

  @Benchmark
  public Map<String, INDArray> step() {
    if (path.equals("unfused")) {
      UpdateResult r = tx.update(grads, state, params);
      params = applyUpdates(params, r.updates());
      state = r.state();
      return params;
    }
    OptimizerStep<SortedMap<String, INDArray>> s = engine.stepDonating(tx, params, state, grads);
    params = s.params();
    state = s.state();
    return params;
  }
}
