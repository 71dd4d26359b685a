package org.pytree4j.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;
import org.pytree4j.Flattened;
import org.pytree4j.PyTrees;

/**
 * Flatten then unflatten a tree of generated records ({@link Layers}) with 100 to 10,000 leaves:
 * pytree4j's generated node types against a reflective walker, straightforward and cached.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 2, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class FlattenBenchmark {
  @Param({"100", "1000", "10000"})
  public int leaves;

  Layers.Model model;
  final ReflectiveWalker plain = new ReflectiveWalker(false);
  final ReflectiveWalker cached = new ReflectiveWalker(true);

  @Setup
  public void setup() {
    model = Layers.model(leaves, Nd4j.scalar(1f));
  }

  @Benchmark
  public Object pytree4j() {
    Flattened flat = PyTrees.flatten(model);
    return flat.treeDef().unflatten(flat.leaves());
  }

  @Benchmark
  public Object reflective() {
    return roundTrip(plain);
  }

  @Benchmark
  public Object reflectiveCached() {
    return roundTrip(cached);
  }

  private Object roundTrip(ReflectiveWalker walker) {
    List<Object> out = new ArrayList<>(leaves);
    ReflectiveWalker.Node structure = walker.flatten(model, out);
    return walker.unflatten(structure, out.iterator());
  }
}
