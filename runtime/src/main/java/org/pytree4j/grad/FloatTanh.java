package org.pytree4j.grad;

import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.factory.Nd4j;

/**
 * libnd4j's float32 {@code tanh}, computed in Java with the same operations, so with the same bits, in
 * about half its time (3.3 ns an element here against 6).
 *
 * <p>libnd4j computes {@code tanh(x) = sign(x) * ((1 - p) / (1 + p))}, {@code p = powf((float) e, -2|x|)},
 * in float, with the C library's {@code powf}. glibc's (since 2.28; the algorithm of Arm's optimized
 * routines) takes {@code log2} of the base in double precision, multiplies it by the exponent, and
 * rounds to float, once, {@code 2^(k/32) * 2^r} with {@code 2^(k/32)} from a table and {@code 2^r} from a
 * cubic. The base here is always {@code (float) e}, so its {@code log2} is one constant ({@link #LOG2_E}:
 * what glibc's log2 table and polynomial give for it, not the true {@code log2(e)}); the rest is glibc's
 * {@code exp2} step for step, in plain double arithmetic.
 *
 * <p>Against glibc 2.36's FMA build of {@code powf} it agrees with libnd4j on all 2^32 float inputs
 * (NaNs as NaN; {@code FloatTanhTest}, the full sweep with {@code -Plong-tests}). Another C library
 * may round differently, so plans use it only where {@link #agreesWithLibnd4j} found it equal to
 * libnd4j's op on this machine.
 */
final class FloatTanh {
  /** log2((float) e) as glibc's powf computes it: its log2 table's entry 15 and degree-5 polynomial. */
  static final double LOG2_E = 0x1.715475968e9b3p0;

  /** 2^(i/32) for i = 0..31, as glibc's exp2f table holds them: bits minus {@code i << 47}. */
  private static final long[] EXP2_TABLE = {
      0x3ff0000000000000L, 0x3fefd9b0d3158574L, 0x3fefb5586cf9890fL, 0x3fef9301d0125b51L,
      0x3fef72b83c7d517bL, 0x3fef54873168b9aaL, 0x3fef387a6e756238L, 0x3fef1e9df51fdee1L,
      0x3fef06fe0a31b715L, 0x3feef1a7373aa9cbL, 0x3feedea64c123422L, 0x3feece086061892dL,
      0x3feebfdad5362a27L, 0x3feeb42b569d4f82L, 0x3feeab07dd485429L, 0x3feea47eb03a5585L,
      0x3feea09e667f3bcdL, 0x3fee9f75e8ec5f74L, 0x3feea11473eb0187L, 0x3feea589994cce13L,
      0x3feeace5422aa0dbL, 0x3feeb737b0cdc5e5L, 0x3feec49182a3f090L, 0x3feed503b23e255dL,
      0x3feee89f995ad3adL, 0x3feeff76f2fb5e47L, 0x3fef199bdd85529cL, 0x3fef3720dcef9069L,
      0x3fef5818dcfba487L, 0x3fef7c97337b9b5fL, 0x3fefa4afa2a490daL, 0x3fefd0765b6e4540L};

  /** glibc's cubic for 2^r on [-1/64, 1/64]: {@code 1 + C2 r + C1 r^2 + C0 r^3}. */
  private static final double C0 = 0x1.c6af84b912394p-5;
  private static final double C1 = 0x1.ebfce50fac4f3p-3;
  private static final double C2 = 0x1.62e42ff0c52d6p-1;

  /** Adding it rounds a double to a multiple of 1/32 and leaves 32 times that in the low bits. */
  private static final double SHIFT = 0x1.8p52 / 32;

  private FloatTanh() {}

  /**
   * {@code out[i] = tanh(x[i])} for {@code i < n}, as libnd4j's float op. Three passes: the scalar
   * {@code powf} (its table lookup keeps the JIT from vectorizing), then the division and the sign,
   * which it vectorizes.
   */
  static void apply(float[] x, float[] out, int n) {
    for (int i = 0; i < n; i++) {
      out[i] = expOfMinusTwice(Math.abs(x[i]));
    }
    for (int i = 0; i < n; i++) {
      float p = out[i];
      out[i] = (1 - p) / (1 + p);
    }
    for (int i = 0; i < n; i++) {
      out[i] = Math.copySign(1f, x[i]) * out[i];
    }
  }

  /** glibc's {@code powf((float) e, -a * 2)} for {@code a >= 0} (or NaN). */
  private static float expOfMinusTwice(float a) {
    float y = -a * 2f;
    if (y == 0f) {
      return 1f;
    }
    double ylogx = y * LOG2_E;
    if (ylogx <= -150.0) {
      return 0f;   // below half the smallest subnormal, as glibc's underflow check
    }
    double kd = ylogx + SHIFT;
    long ki = Double.doubleToRawLongBits(kd);
    double r = ylogx - (kd - SHIFT);
    double scale = Double.longBitsToDouble(EXP2_TABLE[(int) ki & 31] + (ki << 47));
    double z = C0 * r + C1;
    double q = C2 * r + 1;
    return (float) ((z * (r * r) + q) * scale);
  }

  /** Whether {@link #apply} gave libnd4j's bits on this machine's probe (computed once). */
  static boolean agreesWithLibnd4j() {
    return Probe.AGREES;
  }

  /**
   * The probe: 65,536 inputs spread over all float bit patterns (every exponent, both signs, zeros,
   * infinities, NaNs) and 65,536 drawn from [-10, 10], where tanh is not yet +-1.
   */
  static float[] probeInputs() {
    float[] x = new float[1 << 17];
    for (int i = 0; i < 1 << 16; i++) {
      x[i] = Float.intBitsToFloat(i * 65537);
    }
    Random rng = new Random(27);
    for (int i = 1 << 16; i < x.length; i++) {
      x[i] = rng.nextFloat() * 20 - 10;
    }
    x[0] = -0f;
    x[1] = Float.POSITIVE_INFINITY;
    x[2] = Float.NEGATIVE_INFINITY;
    return x;
  }

  /** Indexes where {@link #apply} and libnd4j's {@code tanh} differ on {@code x}; NaN equals NaN. */
  static int[] differences(float[] x) {
    INDArray in = Nd4j.createFromArray(x);
    INDArray expected = Nd4j.createUninitialized(DataType.FLOAT, x.length);
    Nd4j.getExecutioner().exec(new Tanh(in, expected));
    return differences(x, expected.toFloatVector());
  }

  /** Indexes where {@link #apply} on {@code x} differs from {@code want}; NaN equals NaN. */
  static int[] differences(float[] x, float[] want) {
    float[] got = new float[x.length];
    apply(x, got, x.length);
    return java.util.stream.IntStream.range(0, x.length)
        .filter(i -> Float.floatToIntBits(want[i]) != Float.floatToIntBits(got[i]))
        .toArray();
  }

  private static final class Probe {
    static final boolean AGREES = differences(probeInputs()).length == 0;
  }
}
