package org.pytree4j.benchmarks;

import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * DL4J's step: {@code MultiLayerNetwork.fit(dataSet)} on the same MLP (dense tanh layers, a softmax
 * output with multi-class cross-entropy), weights and batch, with Adam(1e-3) and decoupled weight decay
 * 1e-4 (DL4J's {@code weightDecay}); DL4J has no global-norm clipping, so it runs without.
 */
final class Dl4jStep implements TrainingStep {
  private final MultiLayerNetwork net;
  private final DataSet data;

  Dl4jStep(MlpTask task) {
    int[] widths = task.widths();
    NeuralNetConfiguration.ListBuilder layers = new NeuralNetConfiguration.Builder()
        .seed(MlpTask.SEED)
        .dataType(DataType.FLOAT)
        .updater(new Adam(1e-3))
        .weightDecay(1e-4)
        .list();
    for (int l = 0; l < task.layers(); l++) {
      if (l < task.layers() - 1) {
        layers.layer(new DenseLayer.Builder().nIn(widths[l]).nOut(widths[l + 1]).activation(Activation.TANH).build());
      } else {
        layers.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(widths[l]).nOut(widths[l + 1])
            .activation(Activation.SOFTMAX).build());
      }
    }
    MultiLayerConfiguration conf = layers.build();
    net = new MultiLayerNetwork(conf);
    net.init();
    List<float[]> weights = task.initialWeights();
    for (int l = 0; l < task.layers(); l++) {
      net.getLayer(l).setParam("W", task.kernel(weights, l));
      net.getLayer(l).setParam("b", task.bias(weights, l).reshape(1, widths[l + 1]));
    }
    data = new DataSet(task.x(), task.y());
  }

  @Override
  public double step() {
    net.fit(data);
    return net.score();
  }
}
