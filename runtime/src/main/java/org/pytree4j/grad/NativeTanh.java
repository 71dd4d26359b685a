package org.pytree4j.grad;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link FloatTanh} in native code ({@code src/main/c/tanh.c}, built into the runtime jar for
 * linux-x86_64 when the build machine has gcc): eight elements at a time with AVX2, on the arrays'
 * native memory, about 1 ns an element here against the Java port's 3.3 and libnd4j's 6. It is used
 * only after it gives the Java port's bits on {@link FloatTanh#probeInputs}; set {@value #PROPERTY}
 * to {@code false} to keep the Java port.
 */
final class NativeTanh {
  static final String PROPERTY = "pytree4j.grad.native";
  static final String LIBRARY = "native/linux-x86_64/libpytree4j-grad.so";

  /** True when the library loaded and agrees with {@link FloatTanh}. */
  static final boolean AVAILABLE = load();

  private NativeTanh() {}

  /** {@code out[i] = tanh(in[i])} for {@code i < n}; native addresses of float32 memory. */
  private static native void tanh(long in, long out, long n);

  /** {@code out = tanh(x)}: contiguous float32 arrays of the same length. */
  static void tanh(INDArray x, INDArray out) {
    if (x.isEmpty()) {
      return;   // ND4J gives an empty array no buffer
    }
    tanh(address(x), address(out), x.length());
  }

  private static long address(INDArray a) {
    return a.data().address() + 4L * a.offset();
  }

  private static boolean load() {
    if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))
        || !System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")
        || !System.getProperty("os.arch", "").matches("amd64|x86_64")) {
      return false;
    }
    try (InputStream library = NativeTanh.class.getResourceAsStream(LIBRARY)) {
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
      return differences(FloatTanh.probeInputs()).length == 0;
    } catch (IOException | LinkageError | RuntimeException e) {
      return false;
    }
  }

  /** Indexes where the native kernel and {@link FloatTanh} differ on {@code x}; NaN equals NaN. */
  static int[] differences(float[] x) {
    INDArray out = Nd4j.createUninitialized(DataType.FLOAT, x.length);
    tanh(Nd4j.createFromArray(x), out);
    return FloatTanh.differences(x, out.toFloatVector());
  }
}
