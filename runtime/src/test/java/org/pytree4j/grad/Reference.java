package org.pytree4j.grad;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.examples.Dense;
import org.pytree4j.examples.Mlp;

/** The test models' forward passes and losses in plain Java doubles: no ND4J op, no SameDiff. */
final class Reference {
  private Reference() {}

  static double[][] matrix(INDArray a) {
    return a.toDoubleMatrix();
  }

  static double[] vector(INDArray a) {
    return a.toDoubleVector();
  }

  /** {@code x @ d.kernel + d.bias}. */
  static double[][] dense(double[][] x, Dense d) {
    return affine(x, matrix(d.kernel()), vector(d.bias()));
  }

  static double[][] affine(double[][] x, double[][] w, double[] b) {
    double[][] out = new double[x.length][b.length];
    for (int r = 0; r < x.length; r++) {
      for (int c = 0; c < b.length; c++) {
        double s = b[c];
        for (int k = 0; k < w.length; k++) {
          s += x[r][k] * w[k][c];
        }
        out[r][c] = s;
      }
    }
    return out;
  }

  static double[][] tanh(double[][] x) {
    double[][] out = new double[x.length][];
    for (int r = 0; r < x.length; r++) {
      out[r] = new double[x[r].length];
      for (int c = 0; c < x[r].length; c++) {
        out[r][c] = Math.tanh(x[r][c]);
      }
    }
    return out;
  }

  /** The MLP's logits; only the tanh activation is modelled. */
  static double[][] mlpLogits(Mlp p, double[][] x) {
    if (!p.activation().equals("tanh")) {
      throw new IllegalArgumentException(p.activation());
    }
    return dense(tanh(dense(x, p.hidden())), p.out());
  }

  /** Mean over rows of {@code -sum_k y_k log softmax(z)_k}. */
  static double softmaxCrossEntropy(double[][] logits, double[][] y) {
    double total = 0;
    for (int r = 0; r < logits.length; r++) {
      double max = Double.NEGATIVE_INFINITY;
      for (double z : logits[r]) {
        max = Math.max(max, z);
      }
      double sumExp = 0;
      for (double z : logits[r]) {
        sumExp += Math.exp(z - max);
      }
      double logSumExp = max + Math.log(sumExp);
      for (int k = 0; k < logits[r].length; k++) {
        total -= y[r][k] * (logits[r][k] - logSumExp);
      }
    }
    return total / logits.length;
  }

  /** Mean over all entries of {@code (out - y)^2}. */
  static double meanSquaredError(double[][] out, double[][] y) {
    double total = 0;
    int n = 0;
    for (int r = 0; r < out.length; r++) {
      for (int c = 0; c < out[r].length; c++) {
        double d = out[r][c] - y[r][c];
        total += d * d;
        n++;
      }
    }
    return total / n;
  }

  static double mlpLoss(Mlp p, Batch b) {
    return softmaxCrossEntropy(mlpLogits(p, matrix(b.x())), matrix(b.y()));
  }
}
