package org.pytree4j.optim;

import static org.pytree4j.optim.Hyperparam.DECAY_RATE;
import static org.pytree4j.optim.Hyperparam.EPSILON;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.KeyPath;
import org.pytree4j.optim.schedule.Schedule;

/**
 * Optax's {@code scale_by_factored_rms(factored=True, decay_rate=0.8, step_offset=0,
 * min_dim_size_to_factor=128, epsilon=1e-30)}: adafactor's scaling by a factored estimate of the
 * gradients' root mean square (Shazeer and Stern 2018). The step's decay is
 * {@code d = 1 - (s + 1)^-decay_rate}, {@code s = max(count - step_offset, 0)}; per leaf, with
 * {@code g2 = g^2 + epsilon}:
 * <ul>
 *   <li>a leaf with two dimensions of at least {@code min_dim_size_to_factor} is factored over its
 *       largest dimension {@code d0} and its second largest {@code d1} (the later one on a tie):
 *       <pre>
 *   v_row = d v_row + (1 - d) mean(g2, axis=d0)        v_col = d v_col + (1 - d) mean(g2, axis=d1)
 *   u = g * (v_row / mean(v_row, axis=d1))^-1/2 * v_col^-1/2     (broadcast back over d0 and d1)
 *       </pre></li>
 *   <li>any other leaf keeps a full second moment: {@code v = d v + (1 - d) g2; u = g * v^-1/2}.</li>
 * </ul>
 * State: {@link FactoredState}, with Optax's shape-(1,) zeros where a leaf has no row, column or full
 * statistics, all in the params' dtype. Needs the params (for their shapes, as in Optax). A None
 * update gives None updates and statistics. Hyperparameters: {@code decay_rate}, {@code epsilon};
 * static: {@code factored}, {@code step_offset}, {@code min_dim_size_to_factor} (integers, which the
 * injected state keeps as float32 in this library, so they are static here).
 *
 * <p>Before {@code step_offset} the decay is that of step 0, as in Optax since its fix for offsets
 * that made the statistics NaN. Not part of the fused step: the row and column means reduce over
 * whole dimensions of each leaf.
 */
public final class ScaleByFactoredRms extends InjectableTransformation<ScaleByFactoredRms> {
  static final List<Hyperparam> NAMES = List.of(DECAY_RATE, EPSILON);
  private static final KeyPath V_ROW = KeyPath.root().attr("v_row");
  private static final KeyPath V_COL = KeyPath.root().attr("v_col");
  private static final KeyPath V = KeyPath.root().attr("v");
  private static final long[] PLACEHOLDER = {1};

  private final boolean factored;
  private final int stepOffset;
  private final int minDimSizeToFactor;

  ScaleByFactoredRms(Map<Hyperparam, ?> values, boolean factored, int stepOffset, int minDimSizeToFactor) {
    super("scale_by_factored_rms", NAMES, values);
    this.factored = factored;
    this.stepOffset = stepOffset;
    this.minDimSizeToFactor = minDimSizeToFactor;
  }

  /** Optax's defaults: {@code decay_rate=0.8, epsilon=1e-30}. */
  static Map<Hyperparam, Object> defaults() {
    return Map.of(DECAY_RATE, 0.8, EPSILON, 1e-30);
  }

  public ScaleByFactoredRms decayRate(double decayRate) {
    return with(DECAY_RATE, decayRate);
  }

  public ScaleByFactoredRms decayRate(Schedule decayRate) {
    return with(DECAY_RATE, decayRate);
  }

  public ScaleByFactoredRms epsilon(double epsilon) {
    return with(EPSILON, epsilon);
  }

  public ScaleByFactoredRms epsilon(Schedule epsilon) {
    return with(EPSILON, epsilon);
  }

  /** Whether leaves with two large dimensions are factored (true, the default) or keep full second moments. */
  public ScaleByFactoredRms factored(boolean factored) {
    return new ScaleByFactoredRms(hyperparams(), factored, stepOffset, minDimSizeToFactor);
  }

  /** The step the decay schedule starts from, for fine-tuning from a restored state (default 0). */
  public ScaleByFactoredRms stepOffset(int stepOffset) {
    return new ScaleByFactoredRms(hyperparams(), factored, stepOffset, minDimSizeToFactor);
  }

  /** The size two dimensions must have at least for a leaf to be factored (default 128). */
  public ScaleByFactoredRms minDimSizeToFactor(int minDimSizeToFactor) {
    return new ScaleByFactoredRms(hyperparams(), factored, stepOffset, minDimSizeToFactor);
  }

  @Override
  ScaleByFactoredRms withHyperparams(Map<Hyperparam, Object> values) {
    return new ScaleByFactoredRms(values, factored, stepOffset, minDimSizeToFactor);
  }

  /**
   * Optax's {@code _factored_dims}: the largest dimension {@code d0} and the second largest
   * {@code d1} (numpy's stable argsort: on a tie the later axis counts as larger), or null when the
   * leaf is not factored.
   */
  record Dims(int d0, int d1) {}

  Dims factoredDims(long[] shape) {
    if (!factored || shape.length < 2) {
      return null;
    }
    Integer[] axes = new Integer[shape.length];
    for (int i = 0; i < axes.length; i++) {
      axes[i] = i;
    }
    Arrays.sort(axes, Comparator.comparingLong((Integer a) -> shape[a]).thenComparingInt(a -> a));
    int d0 = axes[axes.length - 1];
    int d1 = axes[axes.length - 2];
    return shape[d1] < minDimSizeToFactor ? null : new Dims(d0, d1);
  }

  private static long[] without(long[] shape, int axis) {
    long[] out = new long[shape.length - 1];
    for (int i = 0, k = 0; i < shape.length; i++) {
      if (i != axis) {
        out[k++] = shape[i];
      }
    }
    return out;
  }

  long[] rowShape(long[] shape) {
    Dims d = factoredDims(shape);
    return d == null ? PLACEHOLDER : without(shape, d.d0());
  }

  long[] colShape(long[] shape) {
    Dims d = factoredDims(shape);
    return d == null ? PLACEHOLDER : without(shape, d.d1());
  }

  long[] fullShape(long[] shape) {
    return factoredDims(shape) == null ? shape : PLACEHOLDER;
  }

  @Override
  public OptState init(Object params) {
    requireConstants();
    Object vRow = statistics(params, this::rowShape);
    Object vCol = statistics(params, this::colShape);
    Object v = statistics(params, this::fullShape);
    return new FactoredState(0, vRow, vCol, v);
  }

  /** Zeros in the params' dtypes, of the shape {@code shape} gives each param; None stays None. */
  private static Object statistics(Object params, java.util.function.UnaryOperator<long[]> shape) {
    return UpdateTrees.NONE_IS_LEAF.mapWithPath((KeyPath path, Object leaf) -> {
      if (leaf == null) {
        return null;
      }
      if (!(leaf instanceof INDArray array) || !FloatTypes.isFloating(array.dataType())) {
        throw OptimizerInputException.atPath("params must hold floating-point INDArrays or None (null)", path,
            "found " + FloatTypes.describeValue(leaf));
      }
      return Nd4j.zeros(array.dataType(), shape.apply(array.shape()));
    }, params);
  }

  @Override
  void check(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    requireConstants();
    FactoredState s = stateAs(state, FactoredState.class, "scale_by_factored_rms");
    UpdateTrees.Flat u = UpdateTrees.flatten(updates, "updates");
    UpdateTrees.paramsLeaves(u, params, "scale_by_factored_rms");
    UpdateTrees.stateLeavesShaped(u, s.vRow(), V_ROW, i -> rowShape(u.array(i).shape()), "v_row");
    UpdateTrees.stateLeavesShaped(u, s.vCol(), V_COL, i -> colShape(u.array(i).shape()), "v_col");
    UpdateTrees.stateLeavesShaped(u, s.v(), V, i -> fullShape(u.array(i).shape()), "v");
  }

  @Override
  UpdateResult apply(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    FactoredState s = (FactoredState) state;
    UpdateTrees.Flat u = UpdateTrees.flattenChecked(updates);
    List<Object> ps = u.def.flattenUpTo(params);
    List<Object> rows = u.def.flattenUpTo(s.vRow());
    List<Object> cols = u.def.flattenUpTo(s.vCol());
    List<Object> vs = u.def.flattenUpTo(s.v());
    int step = Math.max(s.count() - stepOffset, 0);
    double decayRate = constant(DECAY_RATE);
    double epsilon = constant(EPSILON);
    Object[] out = new Object[u.size()];
    Object[] newRows = new Object[u.size()];
    Object[] newCols = new Object[u.size()];
    Object[] newVs = new Object[u.size()];
    for (int i = 0; i < out.length; i++) {
      INDArray g = u.array(i);
      if (g == null) {
        continue;
      }
      INDArray p = (INDArray) ps.get(i);
      INDArray[] stats = {(INDArray) rows.get(i), (INDArray) cols.get(i), (INDArray) vs.get(i)};
      Dims dims = factoredDims(g.shape());
      INDArray[] result = LeafBuffers.allFloat32(g, p) && LeafBuffers.allFloat32(stats)
          ? FactoredLeaf.float32(g, stats, dims, step, decayRate, epsilon)
          : FactoredLeaf.float64(g, stats, dims, step, decayRate, epsilon, p.dataType());
      out[i] = result[0];
      newRows[i] = result[1];
      newCols[i] = result[2];
      newVs[i] = result[3];
    }
    FactoredState next = new FactoredState(Numerics.safeIncrement(s.count()), u.unflatten(newRows),
        u.unflatten(newCols), u.unflatten(newVs));
    return new UpdateResult(u.unflatten(out), next);
  }

  @Override
  String staticsString() {
    return (factored ? "" : "factored=false, ") + "step_offset=" + stepOffset + ", min_dim_size_to_factor="
        + minDimSizeToFactor;
  }

  /** The arithmetic of one leaf: the update and its new row, column and full statistics. */
  static final class FactoredLeaf {
    private FactoredLeaf() {}

    /** Optax's float32 decay for step {@code s}: {@code 1 - float32(s + 1) ** float32(-decay_rate)}, each op in float32. */
    static float decay32(int step, double decayRate) {
      float t = (float) step + 1f;
      return 1f - (float) Math.pow(t, (float) -decayRate);
    }

    static double decay64(int step, double decayRate) {
      return 1 - Math.pow(step + 1.0, -decayRate);
    }

    static INDArray[] float32(INDArray g, INDArray[] stats, Dims dims, int step, double decayRate, double epsilon) {
      float decay = decay32(step, decayRate);
      float keep = 1f - decay;
      float eps = (float) epsilon;
      long[] shape = g.shape();
      float[] u = LeafBuffers.readFloats(g);
      if (dims == null) {
        float[] v = LeafBuffers.readFloats(stats[2]);
        for (int e = 0; e < u.length; e++) {
          float x = u[e];
          v[e] = decay * v[e] + keep * (x * x + eps);
          u[e] = x * (float) Math.pow(v[e], -0.5);
        }
        return new INDArray[] {LeafBuffers.writeFloats(u, shape), zeros(DataType.FLOAT),
            zeros(DataType.FLOAT), LeafBuffers.writeFloats(v, shape)};
      }
      long[] rowShape = without(shape, dims.d0());
      long[] colShape = without(shape, dims.d1());
      float[] row = LeafBuffers.readFloats(stats[0]);
      float[] col = LeafBuffers.readFloats(stats[1]);
      double[] rowSum = new double[row.length];
      double[] colSum = new double[col.length];
      Walk walk = new Walk(shape, dims.d0(), dims.d1());
      for (int e = 0; e < u.length; e++, walk.next()) {
        float x = u[e];
        float sq = x * x + eps;
        rowSum[walk.a] += sq;
        colSum[walk.b] += sq;
      }
      for (int j = 0; j < row.length; j++) {
        row[j] = decay * row[j] + keep * (float) (rowSum[j] / shape[dims.d0()]);
      }
      for (int j = 0; j < col.length; j++) {
        col[j] = decay * col[j] + keep * (float) (colSum[j] / shape[dims.d1()]);
      }
      // the mean of v_row over d1's axis in it
      int reducedD1 = dims.d1() > dims.d0() ? dims.d1() - 1 : dims.d1();
      double[] rowMeanSum = new double[(int) (row.length / rowShape[reducedD1])];
      Walk rowWalk = new Walk(rowShape, reducedD1, reducedD1);
      for (int j = 0; j < row.length; j++, rowWalk.next()) {
        rowMeanSum[rowWalk.a] += row[j];
      }
      float[] rowFactor = new float[row.length];
      rowWalk = new Walk(rowShape, reducedD1, reducedD1);
      for (int j = 0; j < row.length; j++, rowWalk.next()) {
        float mean = (float) (rowMeanSum[rowWalk.a] / rowShape[reducedD1]);
        rowFactor[j] = (float) Math.pow(row[j] / mean, -0.5);
      }
      float[] colFactor = new float[col.length];
      for (int j = 0; j < col.length; j++) {
        colFactor[j] = (float) Math.pow(col[j], -0.5);
      }
      walk = new Walk(shape, dims.d0(), dims.d1());
      for (int e = 0; e < u.length; e++, walk.next()) {
        u[e] = u[e] * rowFactor[walk.a] * colFactor[walk.b];
      }
      return new INDArray[] {LeafBuffers.writeFloats(u, shape), LeafBuffers.writeFloats(row, rowShape),
          LeafBuffers.writeFloats(col, colShape), zeros(DataType.FLOAT)};
    }

    static INDArray[] float64(INDArray g, INDArray[] stats, Dims dims, int step, double decayRate, double epsilon,
        DataType paramType) {
      double decay = decay64(step, decayRate);
      double keep = 1 - decay;
      long[] shape = g.shape();
      DataType outType = FloatTypes.promote(g.dataType(), paramType);
      double[] u = LeafBuffers.read(g);
      if (dims == null) {
        double[] v = LeafBuffers.read(stats[2]);
        for (int e = 0; e < u.length; e++) {
          double x = u[e];
          v[e] = decay * v[e] + keep * (x * x + epsilon);
          u[e] = x * Math.pow(v[e], -0.5);
        }
        return new INDArray[] {LeafBuffers.write(u, shape, outType), zeros(paramType), zeros(paramType),
            LeafBuffers.write(v, shape, paramType)};
      }
      long[] rowShape = without(shape, dims.d0());
      long[] colShape = without(shape, dims.d1());
      double[] row = LeafBuffers.read(stats[0]);
      double[] col = LeafBuffers.read(stats[1]);
      double[] rowSum = new double[row.length];
      double[] colSum = new double[col.length];
      Walk walk = new Walk(shape, dims.d0(), dims.d1());
      for (int e = 0; e < u.length; e++, walk.next()) {
        double sq = u[e] * u[e] + epsilon;
        rowSum[walk.a] += sq;
        colSum[walk.b] += sq;
      }
      for (int j = 0; j < row.length; j++) {
        row[j] = decay * row[j] + keep * (rowSum[j] / shape[dims.d0()]);
      }
      for (int j = 0; j < col.length; j++) {
        col[j] = decay * col[j] + keep * (colSum[j] / shape[dims.d1()]);
      }
      int reducedD1 = dims.d1() > dims.d0() ? dims.d1() - 1 : dims.d1();
      double[] rowMeanSum = new double[(int) (row.length / rowShape[reducedD1])];
      Walk rowWalk = new Walk(rowShape, reducedD1, reducedD1);
      for (int j = 0; j < row.length; j++, rowWalk.next()) {
        rowMeanSum[rowWalk.a] += row[j];
      }
      double[] rowFactor = new double[row.length];
      rowWalk = new Walk(rowShape, reducedD1, reducedD1);
      for (int j = 0; j < row.length; j++, rowWalk.next()) {
        rowFactor[j] = Math.pow(row[j] / (rowMeanSum[rowWalk.a] / rowShape[reducedD1]), -0.5);
      }
      walk = new Walk(shape, dims.d0(), dims.d1());
      for (int e = 0; e < u.length; e++, walk.next()) {
        u[e] = u[e] * rowFactor[walk.a] * Math.pow(col[walk.b], -0.5);
      }
      return new INDArray[] {LeafBuffers.write(u, shape, outType), LeafBuffers.write(row, rowShape, paramType),
          LeafBuffers.write(col, colShape, paramType), zeros(paramType)};
    }

    private static INDArray zeros(DataType type) {
      return Nd4j.zeros(type, PLACEHOLDER);
    }
  }

  /**
   * The elements of a shape in C order, with each element's position in two reductions of it: {@code a}
   * in the shape without axis {@code dropA}, {@code b} in the shape without axis {@code dropB}.
   */
  static final class Walk {
    private final long[] shape;
    private final long[] strideA;
    private final long[] strideB;
    private final long[] index;
    int a;
    int b;

    Walk(long[] shape, int dropA, int dropB) {
      this.shape = shape;
      this.strideA = stridesWithout(shape, dropA);
      this.strideB = stridesWithout(shape, dropB);
      this.index = new long[shape.length];
    }

    /** C-order strides of {@code shape} without {@code axis}, placed at the axes of {@code shape} (0 at {@code axis}). */
    private static long[] stridesWithout(long[] shape, int axis) {
      long[] strides = new long[shape.length];
      long stride = 1;
      for (int k = shape.length - 1; k >= 0; k--) {
        if (k != axis) {
          strides[k] = stride;
          stride *= shape[k];
        }
      }
      return strides;
    }

    void next() {
      for (int k = shape.length - 1; k >= 0; k--) {
        index[k]++;
        a += (int) strideA[k];
        b += (int) strideB[k];
        if (index[k] < shape[k]) {
          return;
        }
        a -= (int) (strideA[k] * shape[k]);
        b -= (int) (strideB[k] * shape[k]);
        index[k] = 0;
      }
    }
  }
}
