package org.pytree4j.samples.moons;

import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * scikit-learn's {@code make_moons}: two interleaving half circles with Gaussian noise, generated
 * from a seed (no download). Labels are one-hot, {@code [n, 2]}.
 *
 * @param features {@code [n, 2]} points
 * @param labels {@code [n, 2]} one-hot classes
 */
public record TwoMoons(INDArray features, INDArray labels) {

  /** {@code n} points, half per moon, shuffled, with noise of standard deviation {@code noise}. */
  public static TwoMoons generate(int n, double noise, long seed) {
    Random random = new Random(seed);
    double[][] x = new double[n][2];
    double[][] y = new double[n][2];
    for (int i = 0; i < n; i++) {
      int label = i % 2;
      double t = Math.PI * random.nextDouble();
      double px = label == 0 ? Math.cos(t) : 1 - Math.cos(t);
      double py = label == 0 ? Math.sin(t) : 0.5 - Math.sin(t);
      x[i][0] = px + noise * random.nextGaussian();
      x[i][1] = py + noise * random.nextGaussian();
      y[i][label] = 1;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      double[] tx = x[i];
      x[i] = x[j];
      x[j] = tx;
      double[] ty = y[i];
      y[i] = y[j];
      y[j] = ty;
    }
    return new TwoMoons(Nd4j.create(x).castTo(DataType.FLOAT), Nd4j.create(y).castTo(DataType.FLOAT));
  }

  public int size() {
    return (int) features.size(0);
  }

  /** Rows {@code [from, to)}. */
  public TwoMoons slice(int from, int to) {
    return new TwoMoons(
        features.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to)).dup(),
        labels.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to)).dup());
  }

  /** A random batch of {@code size} rows drawn with {@code random}. */
  public TwoMoons batch(Random random, int size) {
    return sampler().batch(random, size);
  }

  /** Draws batches from this data set: for a training loop, which draws one per step. */
  public Sampler sampler() {
    return new Sampler(features.dup('c').data().asFloat(), labels.dup('c').data().asFloat(), size());
  }

  /**
   * Random batches of a data set whose rows are copied once onto the Java heap: a batch is two array
   * copies of its rows, where ND4J's {@code getRows} runs an op per batch (about a millisecond, far
   * more when other processes compete for the cores).
   */
  public static final class Sampler {
    private final float[] features;
    private final float[] labels;
    private final int rows;

    private Sampler(float[] features, float[] labels, int rows) {
      this.features = features;
      this.labels = labels;
      this.rows = rows;
    }

    /** {@code size} rows drawn uniformly with {@code random}: the same draws and rows as {@code getRows}. */
    public TwoMoons batch(Random random, int size) {
      int featureWidth = features.length / rows;
      int labelWidth = labels.length / rows;
      float[] x = new float[size * featureWidth];
      float[] y = new float[size * labelWidth];
      for (int i = 0; i < size; i++) {
        int row = random.nextInt(rows);
        System.arraycopy(features, row * featureWidth, x, i * featureWidth, featureWidth);
        System.arraycopy(labels, row * labelWidth, y, i * labelWidth, labelWidth);
      }
      return new TwoMoons(Nd4j.create(x, new long[] {size, featureWidth}, 'c'),
          Nd4j.create(y, new long[] {size, labelWidth}, 'c'));
    }
  }
}
