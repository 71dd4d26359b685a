package org.pytree4j.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.examples.Dense;

/** Ranks that disagree, hang or die: every rank fails with a message naming who and where, never a hang. */
class CollectiveFailureTest {
  static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> groups() {
    return CollectiveTest.groups();
  }

  private static Dense dense(DataType kernelType, int hidden) {
    return new Dense(Nd4j.ones(kernelType, 2, hidden), Nd4j.ones(DataType.FLOAT, hidden));
  }

  @ParameterizedTest(name = "{0}, {1} ranks")
  @MethodSource("groups")
  void aRankWithAnotherDtypeMakesEveryRankFailNamingTheRankAndKeyPath(String backend, int n) {
    List<String> messages = CollectiveTest.replicas(backend, n).run(c -> {
      Dense mine = dense(c.rank() == n - 1 ? DataType.DOUBLE : DataType.FLOAT, 32);
      return assertThrows(CollectiveMismatchException.class, () -> c.allReduceMean(mine)).getMessage();
    });
    for (String m : messages) {
      assertEquals("allReduceMean (collective #1): rank " + (n - 1) + "'s tree differs from rank 0's at .kernel:"
          + " rank 0 has float32[2, 32], rank " + (n - 1) + " has float64[2, 32]", m);
    }
  }

  @ParameterizedTest(name = "{0}, {1} ranks")
  @MethodSource("groups")
  void aRankWithAnotherShapeOrStructureIsNamed(String backend, int n) {
    List<String[]> messages = CollectiveTest.replicas(backend, n).run(c -> {
      String shape = assertThrows(CollectiveMismatchException.class,
          () -> c.allReduceSum(dense(DataType.FLOAT, c.rank() == 1 ? 33 : 32))).getMessage();
      return new String[] {shape};
    });
    assertTrue(messages.get(0)[0].contains("rank 1's tree differs from rank 0's at .kernel: rank 0 has float32[2, 32],"
        + " rank 1 has float32[2, 33]"), messages.get(0)[0]);
    List<String> extra = CollectiveTest.replicas(backend, n).run(c -> {
      Map<String, INDArray> tree = c.rank() == 1
          ? Map.of("a", Nd4j.ones(2), "b", Nd4j.ones(2))
          : Map.of("a", Nd4j.ones(2));
      return assertThrows(CollectiveMismatchException.class, () -> c.allReduceSum(tree)).getMessage();
    });
    assertTrue(extra.get(0).contains("rank 1's tree has 2 leaves and rank 0's 1: rank 1 has float32[2] at ['b'],"
        + " where rank 0 has nothing"), extra.get(0));
  }

  @ParameterizedTest(name = "{0}, {1} ranks")
  @MethodSource("groups")
  void ranksInDifferentCollectivesFailTogether(String backend, int n) {
    List<String> messages = CollectiveTest.replicas(backend, n).run(c -> {
      CollectiveMismatchException e = assertThrows(CollectiveMismatchException.class,
          () -> {
            if (c.rank() == 1) {
              c.barrier();
            } else {
              c.allReduceSum(1.0);
            }
          });
      CollectiveException after = assertThrows(CollectiveException.class, c::barrier);
      assertTrue(after.getMessage().contains("unusable after an earlier failure"), after.getMessage());
      return e.getMessage();
    });
    for (String m : messages) {
      assertTrue(m.startsWith("the ranks called different collectives: rank 0 is in allReduceSum(double)"
          + " (collective #1), rank 1 is in barrier (collective #1)"), m);
    }
  }

  @ParameterizedTest(name = "{0}, {1} ranks")
  @MethodSource("groups")
  void aRankThatNeverArrivesMakesTheOthersTimeOutNamingIt(String backend, int n) {
    ReplicaFailedException e = assertThrows(ReplicaFailedException.class, () -> assertTimeoutPreemptively(
        Duration.ofSeconds(30), () -> CollectiveTest.replicas(backend, n).timeout(Duration.ofMillis(500)).run(c -> {
          c.barrier();
          if (c.rank() == 1) {
            Thread.sleep(1500);   // hangs (alive, connections open) instead of joining the reduction
          } else {
            c.allReduceSum(Nd4j.ones(4));
          }
          return null;
        })));
    assertInstanceOf(CollectiveTimeoutException.class, e.getCause(), e.toString());
    String m = e.getCause().getMessage();
    assertTrue(m.startsWith("allReduceSum (collective #2) timed out after 500 ms on rank "), m);
    if (backend.equals("threads")) {
      assertTrue(m.contains("waiting for rank 1 (last in barrier, collective #1)"), m);
    } else {
      assertTrue(m.contains("waiting for rank"), m);
    }
  }

  @ParameterizedTest(name = "{0}, {1} ranks")
  @MethodSource("groups")
  void aFailingRankMakesTheOthersFailAtOnceNotAtTheTimeout(String backend, int n) {
    ReplicaFailedException e = assertThrows(ReplicaFailedException.class, () -> assertTimeoutPreemptively(
        Duration.ofSeconds(30), () -> CollectiveTest.replicas(backend, n).timeout(Duration.ofMinutes(10)).run(c -> {
          c.barrier();
          if (c.rank() == n - 1) {
            throw new IllegalStateException("injected failure on rank " + c.rank());
          }
          c.allReduceMean(Nd4j.ones(1000));
          return null;
        })));
    assertEquals(n - 1, e.rank());
    assertEquals("injected failure on rank " + (n - 1), e.getCause().getMessage());
    assertEquals(n - 1, e.getSuppressed().length, "every other rank failed too");
    for (Throwable other : e.getSuppressed()) {
      assertInstanceOf(CollectiveException.class, other);
    }
  }
}
