package org.pytree4j.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One benchmark task: a tanh MLP with softmax cross-entropy on a fixed float32 batch, its initial
 * weights and its batch, all generated from a seed so that every system (pytree4j, PyTorch, DL4J)
 * starts from the same numbers. The arrays are written as raw little-endian float32 files for the
 * Python side.
 *
 * @param name {@code tiny} or {@code medium}
 * @param widths layer widths, input first: {@code 2, 32, 2}
 * @param batch rows of the batch
 */
record MlpTask(String name, int[] widths, int batch) {
  static final long SEED = 42;

  static MlpTask named(String name) {
    return switch (name) {
      case "tiny" -> new MlpTask("tiny", new int[] {2, 32, 2}, 128);
      case "medium" -> new MlpTask("medium", new int[] {784, 512, 512, 10}, 128);
      default -> throw new IllegalArgumentException("unknown model '" + name + "' (tiny, medium)");
    };
  }

  int layers() {
    return widths.length - 1;
  }

  String shape() {
    StringBuilder sb = new StringBuilder();
    for (int w : widths) {
      sb.append(sb.length() == 0 ? "" : "-").append(w);
    }
    return sb.toString();
  }

  /** Glorot-uniform kernels {@code [in, out]} and small uniform biases, layer by layer: kernel, bias. */
  List<float[]> initialWeights() {
    Random random = new Random(SEED);
    List<float[]> weights = new ArrayList<>();
    for (int l = 0; l < layers(); l++) {
      int in = widths[l];
      int out = widths[l + 1];
      double limit = Math.sqrt(6.0 / (in + out));
      weights.add(uniform(random, in * out, limit));
      weights.add(uniform(random, out, 0.1));
    }
    return weights;
  }

  /** Standard normal features {@code [batch, in]}. */
  float[] features() {
    Random random = new Random(SEED + 1);
    float[] x = new float[batch * widths[0]];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    return x;
  }

  /** One-hot labels {@code [batch, classes]}. */
  float[] labels() {
    Random random = new Random(SEED + 2);
    int classes = widths[widths.length - 1];
    float[] y = new float[batch * classes];
    for (int r = 0; r < batch; r++) {
      y[r * classes + random.nextInt(classes)] = 1;
    }
    return y;
  }

  INDArray kernel(List<float[]> weights, int layer) {
    return Nd4j.create(weights.get(2 * layer), new long[] {widths[layer], widths[layer + 1]}, 'c');
  }

  INDArray bias(List<float[]> weights, int layer) {
    return Nd4j.create(weights.get(2 * layer + 1), new long[] {widths[layer + 1]}, 'c');
  }

  INDArray x() {
    return Nd4j.create(features(), new long[] {batch, widths[0]}, 'c');
  }

  INDArray y() {
    return Nd4j.create(labels(), new long[] {batch, widths[widths.length - 1]}, 'c');
  }

  /** {@code w0.f32, b0.f32, ..., x.f32, y.f32} in {@code dir}. */
  void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    List<float[]> weights = initialWeights();
    for (int l = 0; l < layers(); l++) {
      writeFloats(dir.resolve("w" + l + ".f32"), weights.get(2 * l));
      writeFloats(dir.resolve("b" + l + ".f32"), weights.get(2 * l + 1));
    }
    writeFloats(dir.resolve("x.f32"), features());
    writeFloats(dir.resolve("y.f32"), labels());
  }

  private static void writeFloats(Path file, float[] values) throws IOException {
    ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(values);
    Files.write(file, bytes.array());
  }

  private static float[] uniform(Random random, int n, double limit) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) ((random.nextDouble() * 2 - 1) * limit);
    }
    return values;
  }
}
