package org.pytree4j.optim;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;

/**
 * The fused adam step in native code ({@code src/main/c/adam_chain.c}, built into the runtime jar for
 * linux-x86_64 when the build machine has gcc): one vectorized pass over the native memory of the
 * gradients, moments and params, with no copies through scratch arrays, which Java 17 cannot do
 * without the incubating Vector API (and then only at 1.6x the speed of a loop over Java arrays,
 * see docs/benchmarks.md). It covers the chains Optax's adam family makes: an optional leading clip,
 * adam or nadam, optional decayed weights (adamw), and up to four scales; other stages run in Java.
 * Each element gets the same float32 operations in the same order as the Java array kernels, so the
 * results are the same bits; the library is used only after it shows that on a small case.
 * Set {@value #PROPERTY} to {@code false} to keep the Java passes.
 */
final class NativeKernels {
  static final String PROPERTY = "pytree4j.optim.native";
  static final int MAX_SCALES = 4;
  /** True when the library loaded and agrees with the array kernels. */
  static final boolean AVAILABLE = load();

  private static final int CLIP = 1;
  private static final int NESTEROV = 2;
  private static final int DECAY = 4;
  private static final int COEFFICIENTS = 16;

  private NativeKernels() {}

  /**
   * {@code n} elements from each address: clip, adam, decay and scales as {@code flags},
   * {@code scales} and {@code coefficients} say, then {@code p + u}. Outputs may be their own inputs.
   */
  private static native void adamChain(long grads, long muIn, long nuIn, long muOut, long nuOut, long paramsIn,
      long paramsOut, int n, int flags, int scales, float[] coefficients);

  /** The stages as one call of the native kernel, with their float32 scalars; immutable. */
  static final class Program {
    private final int flags;
    private final int scales;
    private final float[] coefficients;

    private Program(int flags, int scales, float[] coefficients) {
      this.flags = flags;
      this.scales = scales;
      this.coefficients = coefficients;
    }

    /** The program for these stages, or null when they are not an adam chain the kernel covers. */
    static Program of(List<FusedPart.Stage> stages) {
      float[] c = new float[COEFFICIENTS];
      int flags = 0;
      int at = 0;
      NativeOp op = at < stages.size() ? stages.get(at).nativeOp() : null;
      if (op != null && op.kind() == NativeOp.Kind.CLIP) {
        flags |= CLIP;
        c[0] = (float) op.first();
        c[1] = (float) op.second();
        op = ++at < stages.size() ? stages.get(at).nativeOp() : null;
      }
      if (op == null || op.kind() != NativeOp.Kind.ADAM) {
        return null;
      }
      ScaleByAdam.Coefficients a = op.adam();
      c[2] = (float) a.b1();
      c[3] = (float) a.b2();
      c[4] = (float) (1 - a.b1());
      c[5] = (float) (1 - a.b2());
      c[6] = (float) a.bc1();
      c[7] = (float) a.bc2();
      c[8] = (float) a.bc1Next();
      c[9] = (float) a.eps();
      c[10] = (float) a.epsRoot();
      flags |= a.nesterov() ? NESTEROV : 0;
      op = ++at < stages.size() ? stages.get(at).nativeOp() : null;
      if (op != null && op.kind() == NativeOp.Kind.DECAY) {
        flags |= DECAY;
        c[11] = (float) op.first();
        op = ++at < stages.size() ? stages.get(at).nativeOp() : null;
      }
      int scales = 0;
      while (op != null && op.kind() == NativeOp.Kind.SCALE && scales < MAX_SCALES) {
        c[12 + scales++] = (float) op.first();
        op = ++at < stages.size() ? stages.get(at).nativeOp() : null;
      }
      return at == stages.size() ? new Program(flags, scales, c) : null;
    }

    /** Runs the program over {@code n} elements at these native addresses. */
    void run(long grads, long muIn, long nuIn, long muOut, long nuOut, long paramsIn, long paramsOut, int n) {
      adamChain(grads, muIn, nuIn, muOut, nuOut, paramsIn, paramsOut, n, flags, scales, coefficients);
    }
  }

  private static boolean load() {
    if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true")) || !OffHeap.AVAILABLE) {
      return false;
    }
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "");
    if (!os.startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
      return false;
    }
    try (InputStream library = NativeKernels.class.getResourceAsStream("native/linux-x86_64/libpytree4j.so")) {
      if (library == null) {
        return false;
      }
      Path file = Files.createTempFile("pytree4j-", ".so");
      try {
        Files.copy(library, file, StandardCopyOption.REPLACE_EXISTING);
        System.load(file.toAbsolutePath().toString());
      } finally {
        // a loaded library stays mapped after its file is gone
        Files.deleteIfExists(file);
      }
      return SelfCheck.agrees();
    } catch (IOException | LinkageError | RuntimeException e) {
      return false;
    }
  }

  /** Runs every kind of program on a few vectors and a tail, in place and not, against the array kernels. */
  static final class SelfCheck {
    private static final MethodHandle ALLOCATE =
        UnsafeAccess.method("allocateMemory", MethodType.methodType(long.class, long.class));
    private static final MethodHandle FREE =
        UnsafeAccess.method("freeMemory", MethodType.methodType(void.class, long.class));

    private SelfCheck() {}

    static boolean agrees() {
      if (ALLOCATE == null || FREE == null) {
        return false;
      }
      for (int flags = 0; flags < 8; flags++) {
        for (int scales = 0; scales <= MAX_SCALES; scales++) {
          for (boolean inPlace : new boolean[] {false, true}) {
            if (!agrees(flags, scales, inPlace)) {
              return false;
            }
          }
        }
      }
      return true;
    }

    private static boolean agrees(int flags, int scales, boolean inPlace) {
      int n = KernelSamples.LENGTH;
      KernelSamples samples = KernelSamples.make();
      float[] g = samples.grads();
      float[] mu = samples.mu();
      float[] nu = samples.nu();
      float[] p = samples.params();
      ScaleByAdam.Coefficients c =
          new ScaleByAdam.Coefficients(0.9, 0.999, 1e-8, 1e-9, 0.19, 0.002998, 0.271, (flags & NESTEROV) != 0);
      List<FusedPart.Stage> stages = new java.util.ArrayList<>();
      if ((flags & CLIP) != 0) {
        stages.add(stage(NativeOp.clip(3.7, 1.1)));
      }
      stages.add(stage(NativeOp.adam(c)));
      if ((flags & DECAY) != 0) {
        stages.add(stage(NativeOp.decay(0.013)));
      }
      for (int k = 0; k < scales; k++) {
        stages.add(stage(NativeOp.scale(-0.3 - k)));
      }
      Program program = Program.of(stages);
      long[] in = {allocate(g), allocate(mu), allocate(nu), allocate(p)};
      long[] out = inPlace ? in : new long[] {in[0], allocate(null), allocate(null), allocate(null)};
      try {
        program.run(in[0], in[1], in[2], out[1], out[2], in[3], out[3], n);
        float[] u = g.clone();
        float[] newMu = mu.clone();
        float[] newNu = nu.clone();
        float[] newP = p.clone();
        if ((flags & CLIP) != 0) {
          ClipByGlobalNorm.kernel(u, u, 0, n, 3.7, 1.1);
        }
        ScaleByAdam.kernel(u, newMu, newNu, u, 0, n, c);
        if ((flags & DECAY) != 0) {
          AddDecayedWeights.kernel(u, p, u, 0, n, 0.013);
        }
        for (int k = 0; k < scales; k++) {
          Scale.kernel(u, u, 0, n, -0.3 - k);
        }
        ApplyUpdates.kernel(newP, u, 0, n);
        return sameBits(out[1], newMu) && sameBits(out[2], newNu) && sameBits(out[3], newP)
            && (inPlace || sameBits(in[1], mu) && sameBits(in[2], nu) && sameBits(in[3], p));
      } finally {
        for (long a : in) {
          free(a);
        }
        if (!inPlace) {
          for (int i = 1; i < out.length; i++) {
            free(out[i]);
          }
        }
      }
    }

    private static FusedPart.Stage stage(NativeOp op) {
      return FusedPart.Stage.onUpdates((u, s, p, n) -> {
        throw new AssertionError("not run");
      }).withNative(op);
    }

    private static boolean sameBits(long address, float[] expected) {
      float[] actual = new float[expected.length];
      OffHeap.read(address, actual, 0, actual.length);
      for (int i = 0; i < actual.length; i++) {
        if (Float.floatToRawIntBits(actual[i]) != Float.floatToRawIntBits(expected[i])) {
          return false;
        }
      }
      return true;
    }

    private static long allocate(float[] values) {
      try {
        long address = (long) ALLOCATE.invokeExact(4L * KernelSamples.LENGTH);
        if (values != null) {
          OffHeap.write(values, 0, address, values.length);
        }
        return address;
      } catch (Throwable e) {
        throw new IllegalStateException(e);
      }
    }

    private static void free(long address) {
      try {
        FREE.invokeExact(address);
      } catch (Throwable e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
