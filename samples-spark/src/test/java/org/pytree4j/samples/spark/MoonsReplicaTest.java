package org.pytree4j.samples.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pytree4j.parallel.LocalReplicas;
import org.pytree4j.parallel.ReplicaFailedException;
import org.pytree4j.samples.spark.MoonsReplica.Summary;

/** The sample's replica program on two threads (the Spark launch itself is tested in pytree4j-spark). */
class MoonsReplicaTest {
  private static final int STEPS = 200;

  private static List<Summary> train(Path checkpoints, int failAt, int attempt) {
    SparkOptions options = new SparkOptions(2, STEPS, 0, null, checkpoints.toString(), failAt, false, true);
    return LocalReplicas.threads(2).run(c -> new MoonsReplica(options).run(c, Collections.emptyIterator(), attempt));
  }

  @Test
  void twoReplicasLearnTheMoonsStayIdenticalAndResumeAfterAFailureToTheSameParams(@TempDir Path dir) {
    List<Summary> uninterrupted = train(dir.resolve("a"), -1, 0);
    assertEquals(uninterrupted.get(0).checksum(), uninterrupted.get(1).checksum());
    assertEquals(STEPS, uninterrupted.get(1).steps());
    assertTrue(uninterrupted.get(0).accuracy() >= 0.85, "held-out accuracy " + uninterrupted.get(0).accuracy());

    ReplicaFailedException e = assertThrows(ReplicaFailedException.class, () -> train(dir.resolve("b"), 150, 0));
    assertEquals("injected failure of replica 1 after step 150", e.getCause().getMessage());
    List<Summary> resumed = train(dir.resolve("b"), 150, 1);
    assertEquals(100, resumed.get(0).resumedFrom());
    assertEquals(uninterrupted.get(0).checksum(), resumed.get(0).checksum());
    assertEquals(uninterrupted.get(0).checksum(), resumed.get(1).checksum());
  }
}
