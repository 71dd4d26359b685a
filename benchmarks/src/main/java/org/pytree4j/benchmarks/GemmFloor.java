package org.pytree4j.benchmarks;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The gemm floor of a step: only the matrix products of the forward and backward pass, through
 * {@code Nd4j.gemm} (ND4J's OpenBLAS) into outputs allocated once. Per layer: the forward product
 * {@code h W}, the weight gradient {@code h^T d}, and (except for the first layer, whose input is the
 * batch) the input gradient {@code d W^T}.
 */
final class GemmFloor implements TrainingStep {
  private final INDArray[] kernels;
  private final INDArray[] activations;   // activations[l] is the input of layer l
  private final INDArray[] outputs;
  private final INDArray[] deltas;
  private final INDArray[] kernelGrads;
  private final INDArray[] inputGrads;

  GemmFloor(MlpTask task) {
    int layers = task.layers();
    List<float[]> weights = task.initialWeights();
    kernels = new INDArray[layers];
    activations = new INDArray[layers];
    outputs = new INDArray[layers];
    deltas = new INDArray[layers];
    kernelGrads = new INDArray[layers];
    inputGrads = new INDArray[layers];
    for (int l = 0; l < layers; l++) {
      kernels[l] = task.kernel(weights, l);
      activations[l] = l == 0 ? task.x() : Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, task.batch(), task.widths()[l]);
      outputs[l] = Nd4j.createUninitialized(org.nd4j.linalg.api.buffer.DataType.FLOAT, task.batch(), task.widths()[l + 1]);
      deltas[l] = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, task.batch(), task.widths()[l + 1]);
      kernelGrads[l] = Nd4j.createUninitialized(org.nd4j.linalg.api.buffer.DataType.FLOAT, task.widths()[l], task.widths()[l + 1]);
      inputGrads[l] = Nd4j.createUninitialized(org.nd4j.linalg.api.buffer.DataType.FLOAT, task.batch(), task.widths()[l]);
    }
  }

  @Override
  public double step() {
    for (int l = 0; l < kernels.length; l++) {
      Nd4j.gemm(activations[l], kernels[l], outputs[l], false, false, 1.0, 0.0);
    }
    for (int l = kernels.length - 1; l >= 0; l--) {
      Nd4j.gemm(activations[l], deltas[l], kernelGrads[l], true, false, 1.0, 0.0);
      if (l > 0) {
        Nd4j.gemm(deltas[l], kernels[l], inputGrads[l], false, true, 1.0, 0.0);
      }
    }
    return Double.NaN;
  }
}
