package org.pytree4j.serialization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pytree4j.testing.ChildJvm;

/**
 * Fuzzes the decoder with damaged Flax bytes ({@link FuzzMain}) in a child JVM of 256 MiB heap, so
 * that a case which allocates what its header claims fails the run instead of passing by luck on a
 * big heap. (The child's 16 MiB thread stack is for the recursive reference decoder; the real one
 * needs no stack per level, which {@link HostileBytesTest} checks on a 128 KiB stack.)
 *
 * <p>The default build runs {@value #DEFAULT_CASES} cases from a fixed seed; the {@code long-tests}
 * profile runs 10,000 from a fresh seed. Properties: {@code pytree4j.fuzz.cases},
 * {@code pytree4j.fuzz.seed} (a number, or {@code random}), {@code pytree4j.fuzz.case} (one case
 * seed, run alone). A failure prints its case seed and the command that runs it again.
 */
class FuzzBytesTest {
  static final int DEFAULT_CASES = 400;
  private static final long DEFAULT_SEED = 20_261_207L;
  /** The child's heap is 256 MiB; ND4J and the JVM bring the rest. Typical peaks are about 250 MiB. */
  private static final long MAX_RSS_MIB = 1024;

  @Test
  void damagedFlaxBytesEndInADocumentedExceptionOrTheReferenceValue() throws Exception {
    int cases = Integer.getInteger("pytree4j.fuzz.cases", DEFAULT_CASES);
    String seedProperty = System.getProperty("pytree4j.fuzz.seed", Long.toString(DEFAULT_SEED));
    long master = seedProperty.equals("random") ? System.nanoTime() : Long.parseLong(seedProperty);
    String oneCase = System.getProperty("pytree4j.fuzz.case", "");
    List<String> args = new ArrayList<>(List.of(Long.toString(master), Integer.toString(oneCase.isEmpty() ? cases : 1)));
    if (!oneCase.isEmpty()) {
      args.add(oneCase);
    }
    System.out.println("fuzz: master seed " + master + ", " + args.get(1) + " cases");

    List<String> failures = new ArrayList<>();
    String done = null;
    String lastCase = "none";
    int exit;
    try (ChildJvm child = ChildJvm.start(List.of("-Xmx256m", "-Xss16m"), FuzzMain.class, args.toArray(new String[0]))) {
      int timeout = 120 + Integer.parseInt(args.get(1)) / 10;
      exit = child.awaitExit(timeout);
      for (String line : child.drain()) {
        if (line.startsWith("CASE ")) {
          lastCase = line;
        } else if (line.startsWith("FAIL ")) {
          failures.add(line);
        } else if (line.startsWith("DONE ")) {
          done = line;
        }
      }
    }
    for (String failure : failures) {
      String[] parts = failure.split(" ", 4);
      System.out.println(failure + "\n  run it again: mvn -pl runtime -am verify -Dtest=FuzzBytesTest"
          + " -Dsurefire.failIfNoSpecifiedTests=false -Dpytree4j.fuzz.case=" + parts[2].replace(":", ""));
    }
    System.out.println("fuzz: " + done);
    assertTrue(done != null, "the child JVM died (exit " + exit + ") during " + lastCase + " of master seed " + master);
    assertEquals(List.of(), failures, "fuzz failures of master seed " + master);
    assertEquals(0, exit, done);
    long maxRssMiB = Long.parseLong(done.replaceAll(".*maxRssMiB=(\\d+).*", "$1"));
    assertTrue(maxRssMiB < MAX_RSS_MIB, "the child's resident memory peaked at " + maxRssMiB + " MiB (bound "
        + MAX_RSS_MIB + " MiB): some case allocated what a header claimed");
  }
}
