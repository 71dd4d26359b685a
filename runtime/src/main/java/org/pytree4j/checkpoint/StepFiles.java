package org.pytree4j.checkpoint;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The names of a checkpoint directory's files: {@code checkpoint_<step>.ckpt} (the state),
 * {@code checkpoint_<step>.meta} (its metadata), and the temporary files of saves in progress,
 * {@code .checkpoint_<step>.ckpt.<16 hex digits>.tmp}. A step is any non-negative long, written in
 * decimal without leading zeros, so every name maps to one step and back.
 */
final class StepFiles {
  private static final String STEP = "(0|[1-9][0-9]{0,18})";
  private static final Pattern CHECKPOINT = Pattern.compile("checkpoint_" + STEP + "\\.ckpt");
  private static final Pattern METADATA = Pattern.compile("checkpoint_" + STEP + "\\.meta");
  private static final Pattern TEMPORARY = Pattern.compile("\\.checkpoint_" + STEP + "\\.(ckpt|meta)\\.[0-9a-f]{16}\\.tmp");
  private static final SecureRandom RANDOM = new SecureRandom();

  private StepFiles() {}

  static String checkpointName(long step) {
    return "checkpoint_" + step + ".ckpt";
  }

  static String metadataName(long step) {
    return "checkpoint_" + step + ".meta";
  }

  /** A fresh temporary name for the file that will become {@code finalName}. */
  static String temporaryName(String finalName) {
    return "." + finalName + "." + HexFormat.of().toHexDigits(RANDOM.nextLong()) + ".tmp";
  }

  static boolean isTemporary(String name) {
    return TEMPORARY.matcher(name).matches();
  }

  /** The step of a checkpoint file's name, or empty for any other name (or a step beyond a long). */
  static OptionalLong checkpointStep(String name) {
    return step(CHECKPOINT.matcher(name));
  }

  /** The step of a metadata file's name, or empty. */
  static OptionalLong metadataStep(String name) {
    return step(METADATA.matcher(name));
  }

  private static OptionalLong step(Matcher m) {
    if (!m.matches()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(m.group(1)));
    } catch (NumberFormatException e) {
      return OptionalLong.empty(); // 19 digits above Long.MAX_VALUE: not a step this manager writes
    }
  }

  /** The steps of the checkpoint files in {@code dir}, ascending; empty if it does not exist. */
  static List<Long> steps(Path dir) throws IOException {
    List<Long> steps = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return steps;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path file : files) {
        checkpointStep(file.getFileName().toString()).ifPresent(steps::add);
      }
    } catch (java.nio.file.NoSuchFileException e) {
      return steps; // the directory was removed while listing
    }
    Collections.sort(steps);
    return steps;
  }
}
