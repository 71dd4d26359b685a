package org.pytree4j.optim.schedule;

/**
 * Optax's {@code cosine_decay_schedule(init_value, decay_steps, alpha=0.0, exponent=1.0)}: with
 * {@code t = min(count, decay_steps)},
 * {@code init_value * ((1 - alpha) * (0.5 * (1 + cos(pi * t / decay_steps)))^exponent + alpha)}.
 */
public record CosineDecaySchedule(double initValue, long decaySteps, double alpha, double exponent) implements Schedule {

  public CosineDecaySchedule {
    if (!(decaySteps > 0)) {
      throw new IllegalArgumentException("The cosine_decay_schedule requires positive decay_steps, got decay_steps="
          + decaySteps + ".");
    }
  }

  @Override
  public double value(long count) {
    double t = Math.min((double) count, (double) decaySteps);
    double cosine = 0.5 * (1 + Math.cos(Math.PI * t / decaySteps));
    return initValue * ((1 - alpha) * Math.pow(cosine, exponent) + alpha);
  }
}
