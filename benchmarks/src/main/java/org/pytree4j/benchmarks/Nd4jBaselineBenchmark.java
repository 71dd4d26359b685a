package org.pytree4j.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
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

/**
 * What ND4J offers for the same adam step on 10M float32 params in 1 or 1000 leaves:
 * <ul>
 *   <li>{@code adamUpdaterPerLeaf}: ND4J's fused native {@code AdamUpdater} op per leaf (it updates
 *       the moments in place and turns the gradient buffer into the update, as DL4J uses it), then
 *       {@code params.subi(update)}: in place, two native ops per leaf;</li>
 *   <li>{@code naiveOpChain}: the same formulas as a chain of ordinary ND4J ops that allocate new
 *       arrays (the functional style, old state kept).</li>
 * </ul>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Thread)
public class Nd4jBaselineBenchmark {
  private static final double LR = 1e-3;
  private static final double B1 = 0.9;
  private static final double B2 = 0.999;
  private static final double EPS = 1e-8;

  @Param({"10000000"})
  public long params;

  @Param({"1", "1000"})
  public int leaves;

  List<INDArray> p;
  List<INDArray> g;
  List<INDArray> m;
  List<INDArray> v;
  int t;

  @Setup
  public void setup() {
    p = new ArrayList<>(Trees.params(params, leaves, 7).values());
    g = new ArrayList<>(Trees.gradsLike(Trees.params(params, leaves, 7), 11).values());
    m = new ArrayList<>();
    v = new ArrayList<>();
    for (INDArray x : p) {
      m.add(Nd4j.zeros(x.dataType(), x.shape()));
      v.add(Nd4j.zeros(x.dataType(), x.shape()));
    }
  }

  @Benchmark
  @Warmup(iterations = 3, time = 1)
  @Measurement(iterations = 3, time = 1)
  public List<INDArray> adamUpdaterPerLeaf() {
    int step = t++;
    for (int i = 0; i < p.size(); i++) {
      Nd4j.exec(new AdamUpdater(g.get(i), v.get(i), m.get(i), LR, B1, B2, EPS, step));
      p.get(i).subi(g.get(i));
    }
    return p;
  }

  @Benchmark
  @Warmup(iterations = 1, time = 1)
  @Measurement(iterations = 3, time = 1)
  public List<INDArray> naiveOpChain() {
    int step = ++t;
    double bc1 = 1 - Math.pow(B1, step);
    double bc2 = 1 - Math.pow(B2, step);
    for (int i = 0; i < p.size(); i++) {
      INDArray gi = g.get(i);
      INDArray mi = gi.mul(1 - B1).add(m.get(i).mul(B1));
      INDArray vi = gi.mul(gi).mul(1 - B2).add(v.get(i).mul(B2));
      INDArray u = mi.div(bc1).div(Transforms.sqrt(vi.div(bc2), true).add(EPS));
      p.set(i, p.get(i).add(u.mul(-LR)));
      m.set(i, mi);
      v.set(i, vi);
    }
    return p;
  }
}
