package org.pytree4j.grad;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * The gradient plans' native library ({@code src/main/c/tanh.c} and {@code log_softmax.c}, built into
 * the runtime jar for linux-x86_64 when the build machine has gcc), loaded once for {@link NativeTanh}
 * and {@link NativeLogSoftmax}; each of them checks its kernels against its reference before a plan
 * uses them. Set {@value #PROPERTY} to {@code false} to keep the plans off it.
 */
final class GradNativeLibrary {
  static final String PROPERTY = "pytree4j.grad.native";
  static final String LIBRARY = "native/linux-x86_64/libpytree4j-grad.so";

  /** True when the library loaded. */
  static final boolean LOADED = load();

  private GradNativeLibrary() {}

  /** The same bits, a NaN being any NaN (which operand's NaN an operation returns is the compiler's choice). */
  static boolean sameBits(float[] expected, float[] actual) {
    for (int i = 0; i < expected.length; i++) {
      if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(actual[i])
          && !(Float.isNaN(expected[i]) && Float.isNaN(actual[i]))) {
        return false;
      }
    }
    return true;
  }

  private static boolean load() {
    if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))
        || !System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")
        || !System.getProperty("os.arch", "").matches("amd64|x86_64")) {
      return false;
    }
    try (InputStream library = GradNativeLibrary.class.getResourceAsStream(LIBRARY)) {
      if (library == null) {
        return false;
      }
      Path file = Files.createTempFile("pytree4j-grad-", ".so");
      try {
        Files.copy(library, file, StandardCopyOption.REPLACE_EXISTING);
        System.load(file.toAbsolutePath().toString());
      } finally {
        Files.deleteIfExists(file);   // a loaded library stays mapped after its file is gone
      }
      return true;
    } catch (IOException | LinkageError | RuntimeException e) {
      return false;
    }
  }
}
