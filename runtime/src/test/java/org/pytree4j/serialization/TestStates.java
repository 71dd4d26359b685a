package org.pytree4j.serialization;

import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.optim.GradientTransformation;
import org.pytree4j.optim.OptState;
import org.pytree4j.optim.UpdateResult;
import org.pytree4j.train.ApplyFn;
import org.pytree4j.train.TrainState;

/** Train states shaped like the ones make_fixtures.py and check_java_bytes.py describe. */
public final class TestStates {
  /** Static components: compared by identity, so one instance each. */
  public static final ApplyFn<Map<String, Object>> APPLY = (params, input) -> input;

  public static final GradientTransformation TX = new GradientTransformation() {
    @Override
    public OptState init(Object params) {
      throw new UnsupportedOperationException("test optimizer");
    }

    @Override
    public UpdateResult update(Object updates, OptState state, Object params) {
      throw new UnsupportedOperationException("test optimizer");
    }
  };

  private TestStates() {}

  /** {'dense': {'bias': f32[3] = scale * (j + 1), 'kernel': f32[2, 3] = scale * (3i + j) / 8}}. */
  public static Map<String, Object> params(double scale) {
    INDArray bias = Nd4j.create(new double[] {1, 2, 3}, new long[] {3}, DataType.DOUBLE).mul(scale).castTo(DataType.FLOAT);
    INDArray kernel = Nd4j.create(new double[] {0, 1, 2, 3, 4, 5}, new long[] {2, 3}, DataType.DOUBLE)
        .mul(scale / 8).castTo(DataType.FLOAT);
    return Map.of("dense", Map.of("bias", bias, "kernel", kernel));
  }

  /** TrainState(step, params(1), chain(empty, adam(count = step, mu = params(0.5), nu = params(0.25)))). */
  public static TrainState<Map<String, Object>> trainState(long step) {
    OptState opt = new ChainLikeState(new EmptyLikeState(),
        new AdamLikeState((int) step, params(0.5), params(0.25)));
    return new TrainState<>(step, APPLY, params(1), TX, opt);
  }
}
