package org.pytree4j.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pytree4j.serialization.Serialization;

/**
 * A checkpoint's metadata file, {@code checkpoint_<step>.meta}: Flax msgpack of
 * {@code {'version': 1, 'step': <int64>, 'time': '<ISO-8601 UTC>', 'metrics': {...} or None}}, so
 * {@code flax.serialization.msgpack_restore} reads it too. It is written (and forced to disk) before
 * the checkpoint file is renamed into place, so every checkpoint saved by this version has one.
 */
final class CheckpointMetadata {
  static final int VERSION = 1;
  /** Metadata files are small; a larger one is not one of ours. */
  private static final long MAX_BYTES = 16 << 20;

  private CheckpointMetadata() {}

  static byte[] bytes(long step, Instant time, Map<String, ?> metrics) {
    Map<String, Object> dict = new LinkedHashMap<>();
    dict.put("version", VERSION);
    dict.put("step", step);
    dict.put("time", time.toString());
    dict.put("metrics", metrics);
    return Serialization.toBytes(dict);
  }

  /**
   * The metrics as they will read back from the file (numbers as the Java types they restore to),
   * or null for none.
   */
  @SuppressWarnings("unchecked")
  static Map<String, Object> roundTrip(Map<String, ?> metrics) {
    if (metrics == null) {
      return null;
    }
    return (Map<String, Object>) Serialization.msgpackRestore(Serialization.toBytes(metrics));
  }

  /** The metadata of every checkpoint in {@code dir}, ascending by step; those removed meanwhile left out. */
  static List<CheckpointInfo> all(Path dir) throws IOException {
    List<CheckpointInfo> infos = new ArrayList<>();
    for (long step : StepFiles.steps(dir)) {
      try {
        infos.add(read(dir, step));
      } catch (NoSuchFileException e) {
        // removed by a saver since the listing
      }
    }
    return Collections.unmodifiableList(infos);
  }

  /**
   * What the metadata of checkpoint {@code step} in {@code dir} says. A checkpoint without a
   * metadata file (saved before they existed) or with a damaged one gets its file's modification
   * time and no metrics.
   *
   * @throws NoSuchFileException if the checkpoint itself is gone (removed by a writer meanwhile)
   */
  static CheckpointInfo read(Path dir, long step) throws IOException {
    Path file = dir.resolve(StepFiles.metadataName(step));
    try {
      if (Files.size(file) <= MAX_BYTES) {
        return parse(step, Files.readAllBytes(file));
      }
    } catch (NoSuchFileException e) {
      // no metadata: fall back to the checkpoint file
    } catch (IllegalArgumentException | ClassCastException | DateTimeParseException e) {
      System.getLogger(CheckpointMetadata.class.getName()).log(System.Logger.Level.WARNING,
          "ignoring the damaged metadata file " + file + ": " + e.getMessage());
    }
    Instant modified = Files.getLastModifiedTime(dir.resolve(StepFiles.checkpointName(step))).toInstant();
    return new CheckpointInfo(step, modified, Optional.empty());
  }

  @SuppressWarnings("unchecked")
  private static CheckpointInfo parse(long step, byte[] bytes) {
    Map<String, Object> dict = (Map<String, Object>) Serialization.msgpackRestore(bytes);
    Object saved = dict.get("step");
    if (!(saved instanceof Long s) || s != step) {
      throw new IllegalArgumentException("it is the metadata of step " + saved + ", not of step " + step);
    }
    Instant time = Instant.parse((String) dict.get("time"));
    Map<String, Object> metrics = (Map<String, Object>) dict.get("metrics");
    return new CheckpointInfo(step, time, Optional.ofNullable(metrics));
  }
}
