package org.pytree4j.grad;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.InvalidTreeException;
import org.pytree4j.KeyPath;

/**
 * One leaf of the params or the batch as the graph sees it: its key path, its SameDiff name, and the
 * data type and shape every array bound to it must have ({@link #ANY} for the batch dimension).
 */
final class InputLeaf {
  static final long ANY = -1;

  private final KeyPath path;
  private final String name;
  private final DataType dataType;
  private final long[] shape;
  private final boolean placeholder;

  private InputLeaf(KeyPath path, String name, DataType dataType, long[] shape, boolean placeholder) {
    this.path = path;
    this.name = name;
    this.dataType = dataType;
    this.shape = shape;
    this.placeholder = placeholder;
  }

  /** A trainable variable: every array bound to it has the example's data type and shape. */
  static InputLeaf param(KeyPath path, INDArray example) {
    return new InputLeaf(path, "params" + path.keystr(), example.dataType(), example.shape(), false);
  }

  /** A placeholder: like the example, except that dimension 0 (the batch dimension) may be any size. */
  static InputLeaf placeholder(KeyPath path, INDArray example) {
    long[] shape = example.shape().clone();
    if (shape.length > 0) {
      shape[0] = ANY;
    }
    return new InputLeaf(path, "batch" + path.keystr(), example.dataType(), shape, true);
  }

  /**
   * A placeholder of fixed shape, named {@code prefix} + its key path: a leaf of a variable collection
   * such as {@code batch_stats['bn']['mean']}, which every array bound to it matches in data type and shape.
   */
  static InputLeaf fixedPlaceholder(String prefix, KeyPath path, INDArray example) {
    return new InputLeaf(path, prefix + path.keystr(), example.dataType(), example.shape(), true);
  }

  /** A placeholder of the given name, data type and shape ({@link #ANY} for a free dimension). */
  static InputLeaf named(String name, DataType dataType, long[] shape) {
    return new InputLeaf(KeyPath.root(), name, dataType, shape.clone(), true);
  }

  KeyPath path() {
    return path;
  }

  /** The SameDiff variable name: {@code params.hidden.kernel}, {@code batch['x']}. */
  String name() {
    return name;
  }

  DataType dataType() {
    return dataType;
  }

  long[] shape() {
    return shape.clone();
  }

  boolean batched() {
    return shape.length > 0 && shape[0] == ANY;
  }

  /** The leaf itself if it fits this input, else an exception naming the key path and SameDiff name. */
  INDArray check(Object found) {
    if (found instanceof INDArray array && array.dataType() == dataType && fits(array.shape())) {
      return array;
    }
    String what = found instanceof INDArray array ? describe(array)
        : found == null ? "null" : "a " + found.getClass().getName();
    throw new InvalidTreeException(path, describeName() + ": expected " + expected() + " but found " + what);
  }

  private boolean fits(long[] actual) {
    if (actual.length != shape.length) {
      return false;
    }
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] != ANY && shape[i] != actual[i]) {
        return false;
      }
    }
    return true;
  }

  /** {@code params.hidden.kernel} or {@code batch['x'] (placeholder)}. */
  String describeName() {
    return placeholder ? name + " (placeholder)" : name;
  }

  /** {@code float64[?, 2]}. */
  String expected() {
    StringBuilder sb = new StringBuilder(dtypeName(dataType)).append('[');
    for (int i = 0; i < shape.length; i++) {
      sb.append(i > 0 ? ", " : "").append(shape[i] == ANY ? "?" : Long.toString(shape[i]));
    }
    return sb.append(']').toString();
  }

  /** {@code float32[2, 3]}. */
  static String describe(INDArray array) {
    return dtypeName(array.dataType()) + Arrays.toString(array.shape());
  }

  /** numpy's name, as everywhere in pytree4j. */
  static String dtypeName(DataType type) {
    return org.pytree4j.Dtypes.numpyName(type);
  }

  @Override
  public String toString() {
    return name + ": " + expected();
  }
}
