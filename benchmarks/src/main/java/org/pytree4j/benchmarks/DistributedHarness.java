package org.pytree4j.benchmarks;

import static org.pytree4j.optim.Optax.adam;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.grad.Grad;
import org.pytree4j.grad.Graph;
import org.pytree4j.grad.LossFn;
import org.pytree4j.grad.ValueAndGradFn;
import org.pytree4j.parallel.Collective;
import org.pytree4j.parallel.DataParallelStep;
import org.pytree4j.parallel.LocalReplicas;
import org.pytree4j.train.TrainState;
import org.pytree4j.train.TrainStatePyTree;

/**
 * Side-by-side measurements of data-parallel training on this machine, in one run:
 *
 * <ol>
 *   <li>{@code allReduceMeanInPlace} of 1M and 10M float32 between two ranks over a TCP ring on
 *       loopback, against plain TCP moving the same bytes (one way, and both ways at once: the
 *       ring's own traffic), and against the in-memory thread backend;</li>
 *   <li>the end-to-end training step of an MLP (784-1024-1024-10, 1.8M params, global batch 256,
 *       adam): one replica on the whole batch against two replicas on halves, over the TCP ring.</li>
 * </ol>
 *
 * <p>Medians of timed repetitions after warm-up (with the quartiles). Writes
 * {@code benchmarks/target/report/distributed.md} (or {@code -Dpytree4j.bench.out=DIR}) and prints it.
 * Run: {@code java -cp benchmarks/target/benchmarks.jar org.pytree4j.benchmarks.DistributedHarness}
 * (under a minute on 2 cores).
 */
public final class DistributedHarness {
  private static final int WARMUP = 5;
  private static final int RUNS = 15;
  private static final int STEP_WARMUP = 5;
  private static final int STEP_RUNS = 20;

  private DistributedHarness() {}

  public static void main(String[] args) throws Exception {
    Machine before = Machine.now();
    StringBuilder report = new StringBuilder("# Data-parallel benchmarks\n\n");
    report.append("## allReduceMean between 2 ranks over loopback (float32)\n\n");
    report.append("| elements | MB | TCP ring allReduceMeanInPlace | plain TCP, both ways at once | plain TCP, one way |"
        + " ring / both ways | ring / one way | threads backend |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for (int n : new int[] {1_000_000, 10_000_000}) {
      double[] ring = ringAllReduce(n, false);
      double[] threads = ringAllReduce(n, true);
      double[][] copies = copies(n * 4);
      report.append(String.format(Locale.ROOT, "| %,d | %.0f | %s | %s | %s | %.2f | %.2f | %s |%n", n, n * 4 / 1e6,
          cell(ring, n * 4L), cell(copies[1], n * 4L), cell(copies[0], n * 4L), ring[1] / copies[1][1],
          ring[1] / copies[0][1], cell(threads, n * 4L)));
    }
    report.append("\nms: median [quartiles], and the buffer's size over the median time.\n\n");
    report.append("## Training step: 1 replica vs 2 (MLP 784-1024-1024-10, global batch 256, adam, float32)\n\n");
    double[] one = steps(1);
    double[] two = steps(2);
    report.append("| replicas | batch per replica | step time, ms | speed-up |\n| --- | --- | --- | --- |\n");
    report.append(String.format(Locale.ROOT, "| 1 | 256 | %s | 1.00 |%n", ms(one)));
    report.append(String.format(Locale.ROOT, "| 2 (TCP ring, one JVM) | 128 | %s | %.2f |%n", ms(two), one[1] / two[1]));
    Machine after = Machine.now();
    report.append(String.format(Locale.ROOT, "%nMachine: %s, %d cores, %s. Load average before: %s; after: %s;"
        + " %.1f minutes; CPU time stolen by the hypervisor: %.1f%%. ND4J threads: %s.%n", before.cpu(), before.cores(),
        before.jvm(), before.load().trim(), after.load().trim(), before.minutesUntil(after),
        100 * Math.max(0, before.stolenShareUntil(after)), System.getenv().getOrDefault("OMP_NUM_THREADS", "default")));
    Path out = Path.of(System.getProperty("pytree4j.bench.out", "benchmarks/target/report"));
    Files.createDirectories(out);
    Files.writeString(out.resolve("distributed.md"), report);
    System.out.println(report);
    System.exit(0);
  }

  /** Times of allReduceMeanInPlace on rank 0 (ms), each after a barrier so both ranks start together. */
  private static double[] ringAllReduce(int n, boolean threads) {
    LocalReplicas group = threads ? LocalReplicas.threads(2) : LocalReplicas.tcpLoopback(2);
    List<double[]> times = group.run(c -> {
      INDArray grads = Nd4j.rand(DataType.FLOAT, n);
      double[] t = new double[RUNS];
      for (int i = 0; i < WARMUP + RUNS; i++) {
        c.barrier();
        long start = System.nanoTime();
        c.allReduceMeanInPlace(grads);
        if (i >= WARMUP) {
          t[i - WARMUP] = (System.nanoTime() - start) / 1e6;
        }
      }
      return t;
    });
    return quartiles(times.get(0));
  }

  /** {one way, both ways} copy times (ms) of {@code bytes} bytes. */
  private static double[][] copies(int bytes) throws Exception {
    ByteBuffer aOut = direct(bytes);
    ByteBuffer aIn = direct(bytes);
    ByteBuffer bOut = direct(bytes);
    ByteBuffer bIn = direct(bytes);
    double[] oneWay = new double[RUNS];
    double[] both = new double[RUNS];
    try (LoopbackCopy copy = new LoopbackCopy()) {
      for (int i = 0; i < WARMUP + RUNS; i++) {
        long start = System.nanoTime();
        copy.oneWay(aOut, bIn);
        long middle = System.nanoTime();
        copy.exchange(aOut, aIn, bOut, bIn);
        long end = System.nanoTime();
        if (i >= WARMUP) {
          oneWay[i - WARMUP] = (middle - start) / 1e6;
          both[i - WARMUP] = (end - middle) / 1e6;
        }
      }
    }
    return new double[][] {quartiles(oneWay), quartiles(both)};
  }

  private static ByteBuffer direct(int bytes) {
    ByteBuffer b = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
    for (int i = 0; i < bytes; i += 4096) {
      b.put(i, (byte) i);
    }
    return b;
  }

  private static final int IN = 784;
  private static final int HIDDEN = 1024;
  private static final int CLASSES = 10;
  private static final int BATCH = 256;

  private static final LossFn<Map<String, INDArray>, Map<String, INDArray>> LOSS = (g, p, b) -> {
    SDVariable h1 = g.sd().nn.relu(dense(g, p, "1", g.var(b.get("x"))), 0);
    SDVariable h2 = g.sd().nn.relu(dense(g, p, "2", h1), 0);
    SDVariable logits = g.output("logits", dense(g, p, "3", h2));
    return g.var(b.get("y")).mul(g.sd().nn.logSoftmax(logits)).sum(1).mean().neg();
  };

  private static SDVariable dense(Graph g, Map<String, INDArray> p, String layer, SDVariable x) {
    return x.mmul(g.var(p.get("w" + layer))).add(g.var(p.get("b" + layer)));
  }

  private static Map<String, INDArray> params() {
    Nd4j.getRandom().setSeed(1);
    return Map.of(
        "w1", Nd4j.randn(DataType.FLOAT, IN, HIDDEN).muli(Math.sqrt(2.0 / IN)), "b1", Nd4j.zeros(DataType.FLOAT, HIDDEN),
        "w2", Nd4j.randn(DataType.FLOAT, HIDDEN, HIDDEN).muli(Math.sqrt(2.0 / HIDDEN)), "b2", Nd4j.zeros(DataType.FLOAT, HIDDEN),
        "w3", Nd4j.randn(DataType.FLOAT, HIDDEN, CLASSES).muli(Math.sqrt(2.0 / HIDDEN)), "b3", Nd4j.zeros(DataType.FLOAT, CLASSES));
  }

  private static Map<String, INDArray> batch(int rows, long seed) {
    Random rng = new Random(seed);
    float[] x = new float[rows * IN];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rng.nextGaussian();
    }
    INDArray y = Nd4j.zeros(DataType.FLOAT, rows, CLASSES);
    for (int i = 0; i < rows; i++) {
      y.putScalar(i, rng.nextInt(CLASSES), 1);
    }
    return Map.of("x", Nd4j.create(x, new long[] {rows, IN}, 'c'), "y", y);
  }

  /** Step times (ms) on rank 0 with {@code replicas} replicas sharing a global batch of 256. */
  private static double[] steps(int replicas) {
    List<double[]> times = LocalReplicas.tcpLoopback(replicas).run(c -> stepTimes(c, BATCH / replicas));
    return quartiles(times.get(0));
  }

  private static double[] stepTimes(Collective c, int rows) {
    Map<String, INDArray> shard = batch(rows, 10 + c.rank());
    ValueAndGradFn<Map<String, INDArray>, Map<String, INDArray>> fn = Grad.valueAndGrad(LOSS, params(), shard);
    TrainState<Map<String, INDArray>> state = TrainStatePyTree.create(fn.applyFn("logits"), params(), adam(1e-3));
    DataParallelStep<TrainState<Map<String, INDArray>>, Map<String, INDArray>, Map<String, INDArray>> step =
        DataParallelStep.forTrainState(c, fn).checkReplicasEvery(0);
    double[] t = new double[STEP_RUNS];
    for (int i = 0; i < STEP_WARMUP + STEP_RUNS; i++) {
      c.barrier();
      long start = System.nanoTime();
      state = step.apply(state, shard).state();
      if (i >= STEP_WARMUP) {
        t[i - STEP_WARMUP] = (System.nanoTime() - start) / 1e6;
      }
    }
    return t;
  }

  /** {q1, median, q3}. */
  private static double[] quartiles(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return new double[] {v[v.length / 4], v[v.length / 2], v[(3 * v.length) / 4]};
  }

  private static String ms(double[] q) {
    return String.format(Locale.ROOT, "%.1f [%.1f, %.1f]", q[1], q[0], q[2]);
  }

  private static String cell(double[] q, long bytes) {
    return String.format(Locale.ROOT, "%s ms, %.2f GB/s", ms(q), bytes / (q[1] / 1e3) / 1e9);
  }
}
