package org.pytree4j.random;

/**
 * The Threefry-2x32 block function with 20 rounds (Salmon et al., "Parallel random numbers: as easy as
 * 1, 2, 3", SC'11), as {@code jax._src.prng.threefry2x32_p} computes it, and the two ways JAX lays
 * counters out over it. Every value is a uint32 held in an {@code int}: Java's {@code int} addition,
 * xor and rotation are the uint32 ones bit for bit.
 *
 * <ul>
 *   <li>Partitionable ({@code jax_threefry_partitionable=True}, JAX's default since 0.5.0, and
 *       pytree4j's): element {@code i} of a draw hashes the counter pair {@code (hi32(i), lo32(i))};
 *       {@code split(key, n)[i]} is the hash of {@code (0, i)}, so it equals {@code fold_in(key, i)}.
 *   <li>Original (JAX before 0.5.0): a draw of {@code n} words hashes {@code iota(n)} cut in two
 *       halves, pairing element {@code j} of the first half with element {@code j} of the second. Kept
 *       here because JAX's published known-answer values ({@code tests/random_test.py}) were recorded
 *       with it: {@code ThreefryTest} checks the hash and the float conversion against them.
 * </ul>
 */
final class Threefry {
  private static final int PARITY = 0x1BD11BDA;

  private Threefry() {}

  /** {@code threefry2x32((k0, k1), (x0, x1))}: the first word of the result. */
  static int hash0(int k0, int k1, int x0, int x1) {
    return (int) (hash(k0, k1, x0, x1) >>> 32);
  }

  /**
   * {@code threefry2x32((k0, k1), (x0, x1))}: the two result words packed as {@code (y0 << 32) | y1}
   * (unsigned).
   */
  static long hash(int k0, int k1, int x0, int x1) {
    int k2 = k0 ^ k1 ^ PARITY;
    x0 += k0;
    x1 += k1;

    x0 += x1; x1 = Integer.rotateLeft(x1, 13) ^ x0;
    x0 += x1; x1 = Integer.rotateLeft(x1, 15) ^ x0;
    x0 += x1; x1 = Integer.rotateLeft(x1, 26) ^ x0;
    x0 += x1; x1 = Integer.rotateLeft(x1, 6) ^ x0;
    x0 += k1;
    x1 += k2 + 1;

    x0 += x1; x1 = Integer.rotateLeft(x1, 17) ^ x0;
    x0 += x1; x1 = Integer.rotateLeft(x1, 29) ^ x0;
    x0 += x1; x1 = Integer.rotateLeft(x1, 16) ^ x0;
    x0 += x1; x1 = Integer.rotateLeft(x1, 24) ^ x0;
    x0 += k2;
    x1 += k0 + 2;

    x0 += x1; x1 = Integer.rotateLeft(x1, 13) ^ x0;
    x0 += x1; x1 = Integer.rotateLeft(x1, 15) ^ x0;
    x0 += x1; x1 = Integer.rotateLeft(x1, 26) ^ x0;
    x0 += x1; x1 = Integer.rotateLeft(x1, 6) ^ x0;
    x0 += k0;
    x1 += k1 + 3;

    x0 += x1; x1 = Integer.rotateLeft(x1, 17) ^ x0;
    x0 += x1; x1 = Integer.rotateLeft(x1, 29) ^ x0;
    x0 += x1; x1 = Integer.rotateLeft(x1, 16) ^ x0;
    x0 += x1; x1 = Integer.rotateLeft(x1, 24) ^ x0;
    x0 += k1;
    x1 += k2 + 4;

    x0 += x1; x1 = Integer.rotateLeft(x1, 13) ^ x0;
    x0 += x1; x1 = Integer.rotateLeft(x1, 15) ^ x0;
    x0 += x1; x1 = Integer.rotateLeft(x1, 26) ^ x0;
    x0 += x1; x1 = Integer.rotateLeft(x1, 6) ^ x0;
    x0 += k2;
    x1 += k0 + 5;

    return ((long) x0 << 32) | (x1 & 0xFFFFFFFFL);
  }

  static int high(long pair) {
    return (int) (pair >>> 32);
  }

  static int low(long pair) {
    return (int) pair;
  }

  /** {@code fold_in(key, data)}: the hash of the counter pair {@code (0, data)} (both layouts). */
  static long foldIn(int k0, int k1, int data) {
    return hash(k0, k1, 0, data);
  }

  /** Partitionable {@code split(key, n)}: key {@code i} is the hash of {@code (hi32(i), lo32(i))}. */
  static long[] split(int k0, int k1, int n) {
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      keys[i] = hash(k0, k1, 0, i);
    }
    return keys;
  }

  /** Partitionable 32-bit random bits: word {@code i} is {@code y0 ^ y1} of the hash of {@code (hi32(i), lo32(i))}. */
  static void bits(int k0, int k1, int[] out, int count) {
    for (int i = 0; i < count; i++) {
      long y = hash(k0, k1, 0, i);
      out[i] = high(y) ^ low(y);
    }
  }

  /** Original-layout {@code threefry_2x32(key, iota(n))}: the hash of {@code iota(n)}, padded to even length. */
  static int[] hashIota(int k0, int k1, int n) {
    int half = (n + 1) / 2;
    int[] out = new int[2 * half];
    for (int j = 0; j < half; j++) {
      int x0 = j;
      int x1 = half + j < n ? half + j : 0;   // the padding word of an odd count is 0
      long y = hash(k0, k1, x0, x1);
      out[j] = high(y);
      out[half + j] = low(y);
    }
    return n == out.length ? out : java.util.Arrays.copyOf(out, n);
  }

  /** Original-layout {@code split(key, n)}: {@code threefry_2x32(key, iota(2n))} reshaped to {@code (n, 2)}. */
  static long[] splitOriginal(int k0, int k1, int n) {
    int[] words = hashIota(k0, k1, 2 * n);
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      keys[i] = ((long) words[2 * i] << 32) | (words[2 * i + 1] & 0xFFFFFFFFL);
    }
    return keys;
  }

  /** Original-layout 32-bit random bits (fewer than 2^32 - 1 words): {@code threefry_2x32(key, iota(n))}. */
  static int[] bitsOriginal(int k0, int k1, int n) {
    return hashIota(k0, k1, n);
  }

  /**
   * JAX's {@code uniform} for float32 in [0, 1): the top 23 bits of a word as the mantissa of a float in
   * [1, 2), minus 1.
   */
  static float unitFloat(int bits) {
    return Float.intBitsToFloat((bits >>> 9) | 0x3F800000) - 1.0f;
  }
}
