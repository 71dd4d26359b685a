package org.pytree4j.serialization;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.InvalidTreeException;
import org.pytree4j.KeyPath;
import org.pytree4j.random.PRNGKey;

/**
 * Turns one state-dict value into a leaf of the target leaf's Java type. Flax returns the saved
 * value as it is; Java needs the target's type, so numbers convert between the forms Python and Java
 * write: a msgpack int or float, a numpy scalar, or a rank-0 array all restore into an {@code int},
 * {@code long}, {@code float} or {@code double} component (integers only from integers, and within
 * range), and into a rank-0 {@code INDArray}. Arrays keep the saved dtype (as Flax does) but must
 * have the target's shape.
 */
final class LeafRestore {
  private LeafRestore() {}

  private enum Kind { INTEGER, FLOATING, BOOLEAN }

  /** A scalar seen through the forms it can come in. */
  private record Scalar(Kind kind, Number number, boolean bool) {}

  static Object restore(Object target, Object value, KeyPath path) {
    if (value instanceof Map<?, ?> || value == null) {
      throw StateDicts.mismatch(path, "expected a leaf like the target's " + Values.describe(target)
          + ", found " + Values.describe(value));
    }
    if (target instanceof INDArray array) {
      return array(array, value, path);
    }
    if (target instanceof PRNGKey) {
      return key(value, path);
    }
    if (target instanceof Double || target instanceof Float) {
      Scalar s = scalar(value);
      if (s == null || s.kind == Kind.BOOLEAN) {
        throw wrongType(target, value, path, "a number");
      }
      double d = s.number.doubleValue();
      return target instanceof Double ? (Object) d : (Object) (float) d;
    }
    if (target instanceof Long || target instanceof Integer || target instanceof Short || target instanceof Byte) {
      return integer(target, value, path);
    }
    if (target instanceof BigInteger) {
      Scalar s = scalar(value);
      if (s == null || s.kind != Kind.INTEGER) {
        throw wrongType(target, value, path, "an integer");
      }
      return s.number instanceof BigInteger big ? big : BigInteger.valueOf(s.number.longValue());
    }
    if (target instanceof Boolean) {
      Scalar s = scalar(value);
      if (s == null || s.kind != Kind.BOOLEAN) {
        throw wrongType(target, value, path, "a boolean");
      }
      return s.bool;
    }
    if (target instanceof Complex) {
      if (value instanceof Complex) {
        return value;
      }
      Scalar s = scalar(value);
      if (s == null || s.kind == Kind.BOOLEAN) {
        throw wrongType(target, value, path, "a number");
      }
      return new Complex(s.number.doubleValue(), 0);
    }
    if (target.getClass().isInstance(value)) {
      return value;
    }
    throw wrongType(target, value, path, "a " + target.getClass().getSimpleName());
  }

  /** A key from JAX's raw key data: an integer array of shape [2] holding uint32 values. */
  private static PRNGKey key(Object value, KeyPath path) {
    if (value instanceof INDArray data && data.rank() == 1 && data.length() == 2 && data.dataType().isIntType()) {
      try {
        return PRNGKey.fromData(data);
      } catch (IllegalArgumentException e) {
        throw new InvalidTreeException(path, "cannot restore " + path.describe() + ": " + e.getMessage());
      }
    }
    throw new InvalidTreeException(path, "cannot restore " + path.describe() + ": the target leaf is a PRNG key,"
        + " so the state needs its key data, a uint32[2] array, found " + Values.describe(value));
  }

  private static Object integer(Object target, Object value, KeyPath path) {
    Scalar s = scalar(value);
    if (s == null || s.kind != Kind.INTEGER) {
      throw wrongType(target, value, path, "an integer");
    }
    BigInteger v = s.number instanceof BigInteger big ? big : BigInteger.valueOf(s.number.longValue());
    long min;
    long max;
    if (target instanceof Long) {
      min = Long.MIN_VALUE;
      max = Long.MAX_VALUE;
    } else if (target instanceof Integer) {
      min = Integer.MIN_VALUE;
      max = Integer.MAX_VALUE;
    } else if (target instanceof Short) {
      min = Short.MIN_VALUE;
      max = Short.MAX_VALUE;
    } else {
      min = Byte.MIN_VALUE;
      max = Byte.MAX_VALUE;
    }
    if (v.compareTo(BigInteger.valueOf(min)) < 0 || v.compareTo(BigInteger.valueOf(max)) > 0) {
      throw new InvalidTreeException(path, "cannot restore " + path.describe() + ": " + v + " does not fit the"
          + " target's " + target.getClass().getSimpleName());
    }
    long l = v.longValue();
    if (target instanceof Long) {
      return l;
    } else if (target instanceof Integer) {
      return (int) l;
    } else if (target instanceof Short) {
      return (short) l;
    }
    return (byte) l;
  }

  private static INDArray array(INDArray target, Object value, KeyPath path) {
    if (value instanceof INDArray saved) {
      if (!Arrays.equals(saved.shape(), target.shape())) {
        throw StateDicts.mismatch(path, "expected an array of shape " + Arrays.toString(target.shape())
            + " like the target's " + Values.describe(target) + ", found " + Values.describe(saved));
      }
      return saved;
    }
    Scalar s = scalar(value);
    if (s == null) {
      throw wrongType(target, value, path, "an array");
    }
    if (target.rank() != 0) {
      throw StateDicts.mismatch(path, "expected an array of shape " + Arrays.toString(target.shape())
          + ", found the scalar " + Values.describe(value));
    }
    DataType dtype = target.dataType();
    if ((dtype.isIntType() && s.kind != Kind.INTEGER) || (dtype == DataType.BOOL && s.kind != Kind.BOOLEAN)) {
      throw wrongType(target, value, path, "a " + Values.describe(target) + " scalar");
    }
    return ArrayMemory.outsideWorkspaces(() -> s.kind == Kind.BOOLEAN
        ? Nd4j.scalar(dtype, s.bool ? 1 : 0)
        : Nd4j.scalar(dtype, s.number));
  }

  /** The value as a scalar, or null: Java numbers and booleans, and rank-0 arrays. */
  private static Scalar scalar(Object value) {
    if (value instanceof Float || value instanceof Double) {
      return new Scalar(Kind.FLOATING, (Number) value, false);
    }
    if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte
        || value instanceof BigInteger) {
      return new Scalar(Kind.INTEGER, (Number) value, false);
    }
    if (value instanceof Boolean b) {
      return new Scalar(Kind.BOOLEAN, b ? 1 : 0, b);
    }
    if (value instanceof INDArray array && array.rank() == 0) {
      DataType dtype = array.dataType();
      if (dtype == DataType.BOOL) {
        boolean b = array.getDouble(0) != 0;
        return new Scalar(Kind.BOOLEAN, b ? 1 : 0, b);
      }
      if (dtype == DataType.UINT64) {
        return new Scalar(Kind.INTEGER, new BigInteger(Long.toUnsignedString(array.getLong(0))), false);
      }
      if (dtype.isIntType()) {
        return new Scalar(Kind.INTEGER, array.getLong(0), false);
      }
      if (dtype.isFPType()) {
        return new Scalar(Kind.FLOATING, array.getDouble(0), false);
      }
    }
    return null;
  }

  private static InvalidTreeException wrongType(Object target, Object value, KeyPath path, String expected) {
    return new InvalidTreeException(path, "cannot restore " + path.describe() + ": the target leaf is "
        + Values.describe(target) + ", so the state needs " + expected + ", found " + Values.describe(value));
  }
}
