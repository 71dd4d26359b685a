package org.pytree4j.grad;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.optim.StepEngine;

/**
 * Where a {@link GradPlan} puts the gradient of each params leaf. Every call gets new arrays that the
 * caller owns, one allocation per call instead of one per leaf. Float32 gradients are made by the
 * optimizer's engine ({@link StepEngine#float32Arrays}): one block, in flatten order, laid out as a
 * fused step lays out the params, which the step reads fastest (one look at each leaf, one run over
 * all). Otherwise all gradients of one data type are views into one contiguous buffer, in flatten
 * order, each starting at a 64-byte boundary. The op that computes a gradient writes straight into
 * its view; a gradient that no op writes (it is an input passed through, or shared with another
 * gradient) is copied into its view after the run, and a param the loss does not depend on gets zeros.
 */
final class GradTargets {
  private static final int ALIGN_BYTES = 64;

  private final PlanValue[] values;
  private final boolean[] direct;
  private final long[][] shapes;
  private final long[][] strides;
  private final int[] group;
  private final long[] offsets;
  private final DataType[] groupTypes;
  private final long[] groupLengths;

  GradTargets(List<PlanValue> values, List<InputLeaf> leaves) {
    int n = leaves.size();
    this.values = values.toArray(new PlanValue[0]);
    this.direct = new boolean[n];
    this.shapes = new long[n][];
    this.strides = new long[n][];
    this.group = new int[n];
    this.offsets = new long[n];
    Map<DataType, Integer> groups = new LinkedHashMap<>();
    List<Long> lengths = new ArrayList<>();
    List<PlanValue> claimed = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      InputLeaf leaf = leaves.get(i);
      shapes[i] = leaf.shape();
      strides[i] = org.nd4j.common.util.ArrayUtil.calcStrides(shapes[i]);
      Integer g = groups.get(leaf.dataType());
      if (g == null) {
        g = groups.size();
        groups.put(leaf.dataType(), g);
        lengths.add(0L);
      }
      group[i] = g;
      long align = Math.max(1, ALIGN_BYTES / leaf.dataType().width());
      long start = (lengths.get(g) + align - 1) / align * align;
      offsets[i] = start;
      lengths.set(g, start + Math.max(1, Shape.lengthOf(shapes[i])));
      PlanValue v = this.values[i];
      direct[i] = v != null && v.producer() != null && claimed.stream().noneMatch(c -> c == v);
      if (direct[i]) {
        claimed.add(v);
      }
    }
    this.groupTypes = groups.keySet().toArray(new DataType[0]);
    this.groupLengths = lengths.stream().mapToLong(Long::longValue).toArray();
  }

  /** New gradient arrays for one call, in one block per data type; zeros where the loss does not depend on the param. */
  INDArray[] allocate() {
    if (groupTypes.length == 1 && groupTypes[0] == DataType.FLOAT) {
      INDArray[] laidOut = StepEngine.defaultEngine().float32Arrays(Arrays.asList(shapes));
      if (laidOut != null) {
        return laidOut;
      }
    }
    DataBuffer[] buffers = new DataBuffer[groupTypes.length];
    for (int g = 0; g < buffers.length; g++) {
      buffers[g] = Nd4j.createUninitialized(groupTypes[g], groupLengths[g]).data();
    }
    INDArray[] arrays = new INDArray[values.length];
    for (int i = 0; i < arrays.length; i++) {
      arrays[i] = Nd4j.create(buffers[group[i]], shapes[i], strides[i], offsets[i], 'c', groupTypes[group[i]]);
      if (values[i] == null) {
        arrays[i].assign(0);
      }
    }
    return arrays;
  }

  /**
   * Gradient arrays from {@link #allocate} (of any plan of the same params: the layout depends on the
   * params alone), donated back: the same arrays, their zero leaves zeroed again (the caller may have
   * written into them).
   */
  INDArray[] reuse(INDArray[] donated) {
    for (int i = 0; i < donated.length; i++) {
      if (values[i] == null) {
        donated[i].assign(0);
      }
    }
    return donated;
  }

  /** Lets the ops that compute gradients write them straight into {@code arrays}. */
  void bindDirect(INDArray[] arrays) {
    for (int i = 0; i < values.length; i++) {
      if (direct[i]) {
        values[i].bind(arrays[i]);
      }
    }
  }

  /** Copies the gradients no op wrote into {@code arrays}. */
  void copyRest(INDArray[] arrays) {
    for (int i = 0; i < values.length; i++) {
      if (!direct[i] && values[i] != null) {
        arrays[i].assign(values[i].array());
      }
    }
  }
}
