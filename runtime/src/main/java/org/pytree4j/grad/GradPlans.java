package org.pytree4j.grad;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@link GradPlan}s of one {@link ValueAndGradFn}, one per batch size, the {@value #KEEP} used
 * last (a training loop alternates between its batch size and a last partial batch at most). Empty
 * for good once a graph turns out to need SameDiff's interpreter, or with
 * {@code -D}{@value #PROPERTY}{@code =false}.
 */
final class GradPlans {
  static final String PROPERTY = "pytree4j.grad.plan";
  static final int KEEP = 4;

  private final Map<Long, GradPlan> byBatchSize = new LinkedHashMap<>(8, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, GradPlan> eldest) {
      return size() > KEEP;
    }
  };
  private boolean enabled = !"false".equals(System.getProperty(PROPERTY, "true").trim());

  /** False when calls go to SameDiff's interpreter. */
  boolean isEmpty() {
    return !enabled;
  }

  GradPlan get(long batchSize) {
    return byBatchSize.get(batchSize);
  }

  void put(long batchSize, GradPlan plan) {
    byBatchSize.put(batchSize, plan);
  }

  void disable() {
    enabled = false;
    byBatchSize.clear();
  }
}
