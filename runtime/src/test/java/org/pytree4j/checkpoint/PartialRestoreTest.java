package org.pytree4j.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pytree4j.KeyPath;
import org.pytree4j.TreeMismatchException;
import org.pytree4j.serialization.TestStates;

/**
 * Restoring part of a checkpoint: the params of a full TrainState checkpoint, or any subtree by its
 * state-dict key path, with a target for that part only (no optimizer state types needed).
 */
class PartialRestoreTest {

  @Test
  void theParamsAloneFromATrainStateCheckpoint(@TempDir Path dir) throws IOException {
    CheckpointManager manager = Checkpoints.manager(dir).maxToKeep(2);
    manager.save(TestStates.trainState(3), 3);
    manager.save(TestStates.trainState(4), 4);

    KeyPath params = KeyPath.root().dict("params");
    Map<String, Object> latest = manager.restoreLatest(params, TestStates.params(0)).orElseThrow();
    assertEquals(TestStates.params(1), latest);
    assertEquals(TestStates.params(1), manager.restore(3, params, TestStates.params(0)));

    KeyPath mu = KeyPath.root().dict("opt_state").dict("1").dict("mu");
    assertEquals(TestStates.params(0.5), manager.restore(4, mu, TestStates.params(0)));
    assertEquals(4L, (long) manager.restore(4, KeyPath.root().dict("step"), 0L));
    assertEquals(4, (int) manager.restore(4, KeyPath.root().dict("opt_state").index(1).dict("count"), 0),
        "a sequence position is the state-dict key \"1\"");
  }

  @Test
  void aPathTheStateDoesNotHaveNamesWhereItEnds(@TempDir Path dir) throws IOException {
    CheckpointManager manager = Checkpoints.manager(dir);
    manager.save(TestStates.trainState(3), 3);
    TreeMismatchException e = assertThrows(TreeMismatchException.class,
        () -> manager.restore(3, KeyPath.root().dict("params").dict("decoder"), TestStates.params(0)));
    assertEquals("the state dict has no ['params']['decoder']: the dict at ['params'] has no key 'decoder' (its keys:"
        + " ['dense'])", e.getMessage());
    TreeMismatchException leaf = assertThrows(TreeMismatchException.class,
        () -> manager.restore(3, KeyPath.root().dict("step").dict("x"), 0L));
    assertEquals("the state dict has no ['step']['x']: the value at ['step'] is a msgpack EXTENSION, not a dict",
        leaf.getMessage());
  }
}
