package org.pytree4j.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.InvalidTreeException;
import org.pytree4j.PyTrees;
import org.pytree4j.checkpoint.CheckpointManager;
import org.pytree4j.checkpoint.Checkpoints;
import org.pytree4j.serialization.Serialization;

/** A key is a pytree leaf that serializes as JAX's raw key data and survives checkpoints. */
class PRNGKeyStateTest {
  @Test
  void aKeyIsOneLeaf() {
    KeyState state = new KeyState(3, PRNGKey.of(42));
    assertEquals(List.of(3L, PRNGKey.of(42)), PyTrees.leaves(state));
    KeyState next = state.updateKey(k -> k.foldIn(1));
    assertEquals(PRNGKey.of(42).foldIn(1), next.key());
  }

  @Test
  void itsStateDictIsJaxsUint32KeyData() {
    Map<String, Object> dict = Serialization.toStateDict(new KeyState(3, PRNGKey.of(42)));
    INDArray data = (INDArray) dict.get("key");
    assertEquals(DataType.UINT32, data.dataType());
    assertArrayEquals(new long[] {0, 42}, new long[] {data.getLong(0), data.getLong(1)});
  }

  @Test
  void bytesAndCheckpointsRestoreTheKey(@TempDir Path dir) throws Exception {
    KeyState state = new KeyState(7, PRNGKey.of(-3L).split(5)[4]);
    KeyState target = new KeyState(0, PRNGKey.of(0));
    assertEquals(state, Serialization.fromBytes(target, Serialization.toBytes(state)));
    try (CheckpointManager checkpoints = Checkpoints.manager(dir)) {
      checkpoints.save(state, state.step());
      assertEquals(state, checkpoints.restoreLatest(target).orElseThrow());
    }
  }

  @Test
  void keyDataOfAnotherShapeIsRefusedNamingThePath() {
    Map<String, Object> dict = Map.of("step", 1L, "key", Nd4j.createFromArray(1L, 2L, 3L).castTo(DataType.UINT32));
    InvalidTreeException e = assertThrows(InvalidTreeException.class,
        () -> Serialization.fromStateDict(new KeyState(0, PRNGKey.of(0)), dict));
    assertEquals("cannot restore ['key']: the target leaf is a PRNG key, so the state needs its key data, a uint32[2]"
        + " array, found uint32[3]", e.getMessage());
  }
}
