package org.pytree4j.parallel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.PyTrees;
import org.pytree4j.examples.Dense;

/** The collective operations on both backends, 2 and 4 ranks, against a float64 reference. */
class CollectiveTest {
  static Stream<Arguments> groups() {
    return Stream.of(
        Arguments.of("threads", 2), Arguments.of("threads", 4),
        Arguments.of("tcp", 2), Arguments.of("tcp", 4));
  }

  static LocalReplicas replicas(String backend, int n) {
    return (backend.equals("tcp") ? LocalReplicas.tcpLoopback(n) : LocalReplicas.threads(n))
        .timeout(Duration.ofSeconds(60));
  }

  /** Rank r's tree: float32 record leaves, a float64 leaf, a transposed (F-order view) leaf, a scalar. */
  static Map<String, Object> tree(int rank) {
    INDArray kernel = Nd4j.create(DataType.FLOAT, 3, 5);
    INDArray bias = Nd4j.create(DataType.FLOAT, 5);
    INDArray wide = Nd4j.create(DataType.DOUBLE, 2, 7);
    INDArray base = Nd4j.create(DataType.FLOAT, 4, 3);
    fill(kernel, rank, 1);
    fill(bias, rank, 2);
    fill(wide, rank, 3);
    fill(base, rank, 4);
    return Map.of("dense", new Dense(kernel, bias), "wide", wide, "view", base.transpose(),
        "scalar", Nd4j.scalar(DataType.FLOAT, 0.1f * (rank + 1)));
  }

  private static void fill(INDArray a, int rank, int salt) {
    for (long i = 0; i < a.length(); i++) {
      a.putScalar(i, Math.sin(1.7 * i + 0.3 * rank + salt) * (rank + 1) / 3.0);
    }
  }

  /** The element-wise float64 sum over ranks of the leaves' values, leaf by leaf. */
  static List<double[]> referenceSum(int size) {
    List<double[]> sum = new ArrayList<>();
    for (int r = 0; r < size; r++) {
      List<Object> leaves = PyTrees.leaves(tree(r));
      for (int i = 0; i < leaves.size(); i++) {
        double[] v = ((INDArray) leaves.get(i)).dup('c').castTo(DataType.DOUBLE).data().asDouble();
        if (r == 0) {
          sum.add(v);
        } else {
          for (int k = 0; k < v.length; k++) {
            sum.get(i)[k] += v[k];
          }
        }
      }
    }
    return sum;
  }

  static byte[] bytes(Object tree) {
    StringBuilder s = new StringBuilder();
    for (Object leaf : PyTrees.leaves(tree)) {
      INDArray a = ((INDArray) leaf).dup('c');
      s.append(a.dataType()).append(java.util.Arrays.toString(a.shape()));
      for (double d : a.castTo(DataType.DOUBLE).data().asDouble()) {
        s.append(Double.doubleToRawLongBits(d)).append(',');
      }
    }
    return s.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  @ParameterizedTest(name = "{0}, {1} ranks")
  @MethodSource("groups")
  void allReduceSumAndMeanMatchTheFloat64SumAndAreBitIdenticalOnEveryRank(String backend, int n) {
    List<Object[]> results = replicas(backend, n).run(c -> {
      Map<String, Object> mine = tree(c.rank());
      Map<String, Object> sum = c.allReduceSum(mine);
      Map<String, Object> mean = c.allReduceMean(mine);
      return new Object[] {sum, mean, mine};
    });
    List<double[]> expected = referenceSum(n);
    for (int r = 0; r < n; r++) {
      Object sum = results.get(r)[0];
      Object mean = results.get(r)[1];
      assertEquals(PyTrees.structure(tree(0)), PyTrees.structure(sum));
      List<Object> sumLeaves = PyTrees.leaves(sum);
      List<Object> meanLeaves = PyTrees.leaves(mean);
      List<Object> inputLeaves = PyTrees.leaves(tree(r));
      for (int i = 0; i < expected.size(); i++) {
        INDArray s = (INDArray) sumLeaves.get(i);
        INDArray input = (INDArray) inputLeaves.get(i);
        assertEquals(input.dataType(), s.dataType(), "dtype of leaf " + i);
        assertArrayEquals(input.shape(), s.shape(), "shape of leaf " + i);
        double tolerance = s.dataType() == DataType.FLOAT ? 1e-5 : 1e-12;
        double[] got = s.dup('c').castTo(DataType.DOUBLE).data().asDouble();
        double[] gotMean = ((INDArray) meanLeaves.get(i)).dup('c').castTo(DataType.DOUBLE).data().asDouble();
        for (int k = 0; k < got.length; k++) {
          assertEquals(expected.get(i)[k], got[k], tolerance * n, "sum, leaf " + i + " element " + k);
          assertEquals(expected.get(i)[k] / n, gotMean[k], tolerance, "mean, leaf " + i + " element " + k);
        }
      }
      // the inputs are untouched
      assertArrayEquals(bytes(tree(r)), bytes(results.get(r)[2]));
      assertArrayEquals(bytes(results.get(0)[0]), bytes(sum), "rank " + r + "'s sum is not rank 0's, bit for bit");
      assertArrayEquals(bytes(results.get(0)[1]), bytes(mean), "rank " + r + "'s mean is not rank 0's, bit for bit");
    }
  }

  @ParameterizedTest(name = "{0}, {1} ranks")
  @MethodSource("groups")
  void inPlaceWritesTheMeanIntoTheGivenLeavesIncludingViews(String backend, int n) {
    List<Object[]> results = replicas(backend, n).run(c -> {
      Map<String, Object> mine = tree(c.rank());
      Map<String, Object> expected = c.allReduceMean(mine);
      Map<String, Object> same = c.allReduceMeanInPlace(mine);
      return new Object[] {mine, same, expected};
    });
    for (Object[] r : results) {
      assertSame(r[0], r[1]);
      assertArrayEquals(bytes(r[2]), bytes(r[0]));
    }
  }

  @ParameterizedTest(name = "{0}, {1} ranks")
  @MethodSource("groups")
  void scalarsGatherBroadcastAndBarrier(String backend, int n) {
    List<Object[]> results = replicas(backend, n).run(c -> {
      double sum = c.allReduceSum(c.rank() + 0.25);
      double mean = c.allReduceMean((double) c.rank());
      List<byte[]> gathered = c.allGather(new byte[] {(byte) c.rank(), 7});
      c.barrier();
      Map<String, Object> state = Map.of("step", (long) (100 + c.rank()), "w", tree(c.rank()).get("wide"),
          "ints", Nd4j.createFromArray(c.rank(), 2, 3));
      Map<String, Object> fromRank0 = c.broadcast(state);
      return new Object[] {sum, mean, gathered, fromRank0};
    });
    for (int r = 0; r < n; r++) {
      Object[] got = results.get(r);
      assertEquals(n * (n - 1) / 2.0 + 0.25 * n, (double) got[0], 1e-12);
      assertEquals((n - 1) / 2.0, (double) got[1], 1e-12);
      @SuppressWarnings("unchecked")
      List<byte[]> gathered = (List<byte[]>) got[2];
      for (int q = 0; q < n; q++) {
        assertArrayEquals(new byte[] {(byte) q, 7}, gathered.get(q));
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> state = (Map<String, Object>) got[3];
      assertEquals(100L, state.get("step"));
      assertArrayEquals(new int[] {0, 2, 3}, ((INDArray) state.get("ints")).toIntVector());
      assertEquals(tree(0).get("wide"), state.get("w"));
    }
  }

  @Test
  void aTreeLargerThanOnePieceIsReducedPieceByPieceWithLeavesSplitAcrossPieces() {
    // 40-byte pieces: 10 float32 per piece, so leaves of 15 and 7 elements straddle pieces
    int n = 3;
    LocalGroup group = new LocalGroup(n);
    List<Object> results = new java.util.concurrent.CopyOnWriteArrayList<>(new Object[n]);
    List<Thread> threads = new ArrayList<>();
    for (int r = 0; r < n; r++) {
      int rank = r;
      Thread t = new Thread(() -> {
        TransportCollective c = new TransportCollective(new LocalTransport(group, rank), Duration.ofSeconds(30), 40);
        results.set(rank, c.allReduceSum(tree(rank)));
      });
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      assertTimeout(t);
    }
    List<double[]> expected = referenceSum(n);
    List<Object> leaves = PyTrees.leaves(results.get(1));
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), ((INDArray) leaves.get(i)).dup('c').castTo(DataType.DOUBLE).data().asDouble(),
          1e-5 * n, "leaf " + i);
    }
  }

  private static void assertTimeout(Thread t) {
    try {
      t.join(60_000);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    assertTrue(!t.isAlive(), "a rank did not finish");
  }

  @ParameterizedTest(name = "{0}, {1} ranks")
  @MethodSource("groups")
  void aLeafThatIsNotFloatingPointFailsOnEveryRankNamingItsPathAndTheCollectiveStaysUsable(String backend, int n) {
    List<String> messages = replicas(backend, n).run(c -> {
      Map<String, Object> bad = Map.of("ok", Nd4j.ones(DataType.FLOAT, 2), "counts", Nd4j.createFromArray(1, 2));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.allReduceMean(bad));
      assertEquals(n, c.allReduceSum(1.0), 0.0);
      return e.getMessage();
    });
    for (String m : messages) {
      assertTrue(m.contains("['counts']") && m.contains("int32[2]"), m);
    }
  }
}
