package org.pytree4j.random;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A JAX PRNG key: {@code jax.random.key(seed)}, with JAX's {@code split}, {@code fold_in},
 * {@code uniform} and {@code bernoulli} on the same Threefry-2x32 generator and key layout, so the same
 * key gives the same numbers as JAX 0.5 or later (whose default {@code jax_threefry_partitionable=True}
 * pytree4j follows; JAX before 0.5 split keys and drew bits differently, see {@link #split}).
 *
 * <pre>{@code
 * PRNGKey root = PRNGKey.of(0);                      // jax.random.key(0)
 * PRNGKey[] keys = root.split(3);                    // main_key, params_key, dropout_key = jax.random.split(root_key, 3)
 * PRNGKey stepKey = keys[2].foldIn(state.step());    // jax.random.fold_in(dropout_key, state.step)
 * INDArray u = stepKey.uniform(4, 3);                // jax.random.uniform(step_key, (4, 3))
 * }</pre>
 *
 * <p>A key is immutable, and a pytree leaf: it sits in a train state as Flax's guide puts
 * {@code key: jax.Array} there, and serializes as JAX's raw key data, a {@code uint32[2]} array
 * ({@code jax.random.key_data(key)}, which {@code jax.random.wrap_key_data} turns back into a key), so
 * checkpoints keep it and Python reads it.
 */
public final class PRNGKey {
  private static final long UINT32_MAX = 0xFFFFFFFFL;

  private final int k0;
  private final int k1;

  private PRNGKey(int k0, int k1) {
    this.k0 = k0;
    this.k1 = k1;
  }

  /**
   * {@code jax.random.key(seed)} for a 64-bit seed ({@code np.int64}, or a Python int with
   * {@code jax_enable_x64}): the key data {@code [seed >>> 32, seed & 0xFFFFFFFF]}. Seeds in
   * {@code [0, 2^32)} give {@code [0, seed]}, as in JAX without x64.
   */
  public static PRNGKey of(long seed) {
    return new PRNGKey((int) (seed >>> 32), (int) seed);
  }

  /** {@code jax.random.key(np.int32(seed))}: the key data {@code [0, seed]} (a negative seed as its uint32 bits). */
  public static PRNGKey of(int seed) {
    return new PRNGKey(0, seed);
  }

  /** {@code jax.random.wrap_key_data(jnp.array([k0, k1], dtype=jnp.uint32))}, the words given as their uint32 values. */
  public static PRNGKey fromData(long k0, long k1) {
    if (k0 < 0 || k0 > UINT32_MAX || k1 < 0 || k1 > UINT32_MAX) {
      throw new IllegalArgumentException("key data must be two uint32 values, in [0, 4294967295], not [" + k0
          + ", " + k1 + "]");
    }
    return new PRNGKey((int) k0, (int) k1);
  }

  /**
   * A key from JAX's raw key data, a {@code uint32[2]} array (or any integer array of shape {@code [2]}
   * holding uint32 values), as {@code jax.random.wrap_key_data}.
   *
   * @throws IllegalArgumentException if the array is not of shape {@code [2]} with uint32 values
   */
  public static PRNGKey fromData(INDArray data) {
    if (data == null || data.rank() != 1 || data.length() != 2 || !data.dataType().isIntType()) {
      throw new IllegalArgumentException("key data must be an integer array of shape [2] (JAX's uint32[2]), not "
          + (data == null ? "null" : data.dataType() + Arrays.toString(data.shape())));
    }
    return fromData(data.getLong(0), data.getLong(1));
  }

  /** {@code jax.random.key_data(key)}: the two uint32 words, as their values in {@code [0, 2^32)}. */
  public long[] data() {
    return new long[] {k0 & UINT32_MAX, k1 & UINT32_MAX};
  }

  /** {@code jax.random.key_data(key)} as JAX holds it: a new {@code uint32[2]} array. */
  public INDArray toArray() {
    return Nd4j.createFromArray(data()).castTo(DataType.UINT32);
  }

  /**
   * {@code jax.random.split(key, num)}: {@code num} new keys, independent of each other and of this
   * one. Key {@code i} is {@code foldIn(i)}, as in JAX 0.5 and later; JAX before 0.5 (or with
   * {@code jax_threefry_partitionable=False}) split keys another way, so the keys differ from those.
   */
  public PRNGKey[] split(int num) {
    if (num < 0) {
      throw new IllegalArgumentException("cannot split a key into " + num + " keys");
    }
    long[] pairs = Threefry.split(k0, k1, num);
    PRNGKey[] keys = new PRNGKey[num];
    for (int i = 0; i < num; i++) {
      keys[i] = new PRNGKey(Threefry.high(pairs[i]), Threefry.low(pairs[i]));
    }
    return keys;
  }

  /** {@code jax.random.split(key)}: two new keys. */
  public PRNGKey[] split() {
    return split(2);
  }

  /**
   * {@code jax.random.fold_in(key, data)}: a new key that depends on this one and on {@code data}, a
   * uint32 (Flax's guide folds the step in: {@code key.foldIn(state.step())}).
   *
   * @throws IllegalArgumentException if {@code data} is outside {@code [0, 2^32)}, which JAX refuses too
   */
  public PRNGKey foldIn(long data) {
    if (data < 0 || data > UINT32_MAX) {
      throw new IllegalArgumentException("fold_in data must be a uint32, in [0, 4294967295], not " + data);
    }
    long pair = Threefry.foldIn(k0, k1, (int) data);
    return new PRNGKey(Threefry.high(pair), Threefry.low(pair));
  }

  /** {@code jax.random.bits(key, (n,), jnp.uint32)}: {@code n} random words, as their uint32 bits. */
  public int[] bits(int n) {
    int[] out = new int[n];
    Threefry.bits(k0, k1, out, n);
    return out;
  }

  /** {@code jax.random.uniform(key, shape)}: float32 values in {@code [0, 1)}, in a new c-ordered array. */
  public INDArray uniform(long... shape) {
    float[] values = uniformValues(length(shape));
    return Nd4j.create(values, shape.clone(), 'c');
  }

  /**
   * {@code jax.random.uniform(key, shape, minval=min, maxval=max)}: float32 values in {@code [min, max)},
   * computed in float32 as JAX does ({@code max(min, u * (max - min) + min)}).
   */
  public INDArray uniform(long[] shape, double min, double max) {
    float lo = (float) min;
    float span = (float) max - lo;
    float[] values = uniformValues(length(shape));
    for (int i = 0; i < values.length; i++) {
      values[i] = Math.max(lo, values[i] * span + lo);
    }
    return Nd4j.create(values, shape.clone(), 'c');
  }

  /**
   * {@code jax.random.bernoulli(key, p, shape)} as 0/1 values of {@code type}: element {@code i} is 1
   * where the float32 {@code uniform(key, shape)[i] < p}, as in JAX (which compares in float32 for a
   * Python float {@code p}). {@code type} is a floating-point, integer or boolean type.
   */
  public INDArray bernoulli(double p, DataType type, long... shape) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException("bernoulli's p must be in [0, 1], not " + p);
    }
    if (type == null || !(type.isFPType() || type.isIntType() || type == DataType.BOOL)) {
      throw new IllegalArgumentException("bernoulli draws floating-point, integer or boolean values, not " + type);
    }
    int n = length(shape);
    INDArray out = Nd4j.createUninitialized(type, shape.clone(), 'c');
    fillBernoulli(p, out, n);
    return out;
  }

  /** Writes {@code bernoulli(p, out.shape())} into {@code out} (c-ordered, contiguous, floating point). */
  void fillBernoulli(double p, INDArray out, int n) {
    float threshold = (float) p;
    int[] words = bits(n);
    if (out.dataType() == DataType.DOUBLE) {
      double[] mask = new double[n];
      for (int i = 0; i < n; i++) {
        mask[i] = Threefry.unitFloat(words[i]) < threshold ? 1.0 : 0.0;
      }
      out.data().setData(mask);
    } else {
      float[] mask = new float[n];
      for (int i = 0; i < n; i++) {
        mask[i] = Threefry.unitFloat(words[i]) < threshold ? 1.0f : 0.0f;
      }
      out.data().setData(mask);
    }
  }

  private float[] uniformValues(int n) {
    int[] words = bits(n);
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = Threefry.unitFloat(words[i]);
    }
    return values;
  }

  static int length(long... shape) {
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("a shape cannot have the negative dimension " + d + ": "
            + Arrays.toString(shape));
      }
      n *= d;
      if (n > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("too many values to draw at once: " + Arrays.toString(shape));
      }
    }
    return (int) n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PRNGKey other && other.k0 == k0 && other.k1 == k1;
  }

  @Override
  public int hashCode() {
    return 31 * k0 + k1;
  }

  /** {@code PRNGKey[0, 42]}: the key data, as JAX prints a raw key. */
  @Override
  public String toString() {
    return "PRNGKey[" + (k0 & UINT32_MAX) + ", " + (k1 & UINT32_MAX) + "]";
  }
}
