package org.pytree4j.optim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.nd4j.linalg.api.buffer.DataType;
import org.pytree4j.KeyEntry;
import org.pytree4j.KeyPath;
import org.pytree4j.optim.schedule.Schedule;
import org.pytree4j.optim.schedule.StatefulSchedule;
import org.pytree4j.optim.schedule.WrappedSchedule;

/**
 * Optax's {@code inject_hyperparams(inner_factory)(**kwargs)}: keeps the numeric hyperparameters of
 * {@code inner} in the state ({@link InjectHyperparamsState#hyperparams()}, under Optax's names) and
 * rebuilds {@code inner} from them at every update, so that they can follow schedules or be changed
 * between updates.
 *
 * <ul>
 *   <li>A constant is stored at init; a value replaced in the state is used from the next update.</li>
 *   <li>A schedule is evaluated at the inject counter: update {@code n} uses {@code schedule(n)}, and
 *       after it the state shows that value (after init: {@code schedule(0)}). Replacing a scheduled
 *       value in the state has no effect, as in Optax.</li>
 *   <li>A {@link StatefulSchedule} keeps its own state in {@code hyperparamsStates} and sees the extra
 *       arguments of each update.</li>
 *   <li>Values are stored as float32 ({@link Float}) unless float64 is chosen, whatever the params'
 *       dtype (Optax would use the params' dtype and so round a bfloat16 model's learning rate); the
 *       update uses exactly the stored value.</li>
 * </ul>
 * A hyperparameter in the state that is missing, unknown, not a number or NaN is an
 * {@link OptimizerInputException} naming it, raised before anything is computed.
 */
public final class InjectHyperparams extends AbstractTransformation {
  private static final KeyEntry INNER = new KeyEntry.GetAttrKey("innerState");

  private final Injectable inner;
  private final DataType dtype;
  private final List<String> names;
  private final Map<String, Double> constants;
  private final Map<String, StatefulSchedule<Object>> schedules;

  @SuppressWarnings("unchecked")
  InjectHyperparams(Injectable inner, DataType hyperparamDtype) {
    if (inner == null) {
      throw new IllegalArgumentException("injectHyperparams needs a transformation, not null");
    }
    this.inner = inner;
    this.dtype = FloatTypes.requireHyperparamDtype(hyperparamDtype);
    this.names = new ArrayList<>();
    this.constants = new LinkedHashMap<>();
    this.schedules = new LinkedHashMap<>();
    inner.hyperparams().forEach((name, value) -> {
      names.add(name.optaxName());
      if (value instanceof Number n) {
        constants.put(name.optaxName(), n.doubleValue());
      } else if (value instanceof Schedule s) {
        schedules.put(name.optaxName(), (StatefulSchedule<Object>) (StatefulSchedule<?>) new WrappedSchedule(s));
      } else if (value instanceof StatefulSchedule<?> s) {
        schedules.put(name.optaxName(), (StatefulSchedule<Object>) s);
      } else {
        throw new IllegalArgumentException(name + " of " + inner.optaxName() + " is neither a number nor a schedule: "
            + FloatTypes.describeValue(value));
      }
    });
  }

  /** The wrapped transformation, with its constants and schedules. */
  public Injectable inner() {
    return inner;
  }

  /** The dtype hyperparameters are stored in: {@code FLOAT} (default) or {@code DOUBLE}. */
  public DataType hyperparamDtype() {
    return dtype;
  }

  @Override
  public InjectHyperparamsState init(Object params) {
    Map<String, Object> states = new LinkedHashMap<>();
    Map<String, Double> values = new LinkedHashMap<>();
    for (String name : names) {
      StatefulSchedule<Object> schedule = schedules.get(name);
      if (schedule == null) {
        values.put(name, stored(constants.get(name)));
      } else {
        Object state = schedule.init();
        states.put(name, state);
        values.put(name, stored(schedule.value(state, Map.of())));
      }
    }
    OptState innerState = inner.withValues(valuesOf(values)).init(params);
    return new InjectHyperparamsState(0, boxed(values), states, innerState);
  }

  @Override
  void check(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    InjectHyperparamsState s = stateAs(state, InjectHyperparamsState.class, "inject_hyperparams(" + inner.optaxName() + ")");
    Map<String, Double> values = valuesFor(s, extraArgs);
    checkPart(inner.withValues(valuesOf(values)), updates, s.innerState(), params, extraArgs, INNER);
  }

  @Override
  UpdateResult apply(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    InjectHyperparamsState s = (InjectHyperparamsState) state;
    Map<String, Double> values = valuesFor(s, extraArgs);
    GradientTransformation tx = inner.withValues(valuesOf(values));
    UpdateResult r = applyPart(tx, tx instanceof AbstractTransformation, updates, s.innerState(), params, extraArgs, INNER);
    return new UpdateResult(r.updates(), next(s, values, extraArgs, r.state()));
  }

  @Override
  FusedPart fuse(OptState state, Map<String, ?> extraArgs) {
    return fuseOnGrads(state, extraArgs, null, null);
  }

  @Override
  FusedPart fuseOnGrads(OptState state, Map<String, ?> extraArgs, Object grads, Object params) {
    InjectHyperparamsState s = (InjectHyperparamsState) state;
    Map<String, Double> values = valuesFor(s, extraArgs);
    GradientTransformation tx = inner.withValues(valuesOf(values));
    FusedPart innerPart = grads == null ? fusePart(tx, s.innerState(), extraArgs)
        : fusePartOnGrads(tx, s.innerState(), extraArgs, grads, params);
    return innerPart == null ? null : innerPart.wrapped(innerState -> next(s, values, extraArgs, innerState));
  }

  /** The state after an update that used {@code values}: counter, values, schedule states, inner state. */
  private InjectHyperparamsState next(InjectHyperparamsState s, Map<String, Double> values, Map<String, ?> extraArgs,
      OptState innerState) {
    Map<String, Object> newStates = new LinkedHashMap<>();
    schedules.forEach((name, schedule) -> newStates.put(name, schedule.update(s.hyperparamsStates().get(name), extraArgs)));
    return new InjectHyperparamsState(Numerics.safeIncrement(s.count()), boxed(values), newStates, innerState);
  }

  /** The values this update uses: the state's numbers, schedules evaluated on their states; checked. */
  private Map<String, Double> valuesFor(InjectHyperparamsState s, Map<String, ?> extraArgs) {
    Map<String, Number> stored = s.hyperparams();
    if (stored == null || !new TreeSet<>(stored.keySet()).equals(new TreeSet<>(names))) {
      throw OptimizerInputException.inState("the hyperparameters in the optimizer state do not fit "
              + inner.optaxName(), KeyPath.root().attr("hyperparams"),
          "the state has " + (stored == null ? "None" : new TreeSet<>(stored.keySet())) + " but "
              + inner.optaxName() + " has " + new TreeSet<>(names));
    }
    Map<String, Object> states = s.hyperparamsStates();
    if (states == null || !new TreeSet<>(states.keySet()).equals(new TreeSet<>(schedules.keySet()))) {
      throw OptimizerInputException.inState("the schedule states in the optimizer state do not fit "
              + inner.optaxName(), KeyPath.root().attr("hyperparamsStates"),
          "the state has " + (states == null ? "None" : new TreeSet<>(states.keySet()))
              + " but the scheduled hyperparameters are " + new TreeSet<>(schedules.keySet()));
    }
    Map<String, Double> values = new LinkedHashMap<>();
    for (String name : names) {
      Object value = stored.get(name);
      KeyPath at = KeyPath.root().attr("hyperparams").dict(name);
      if (!(value instanceof Number n)) {
        throw OptimizerInputException.inState("a hyperparameter in the optimizer state is not a number", at,
            "found " + FloatTypes.describeValue(value) + "; expected a Float (or a Double)");
      }
      if (Double.isNaN(n.doubleValue())) {
        throw OptimizerInputException.inState("a hyperparameter in the optimizer state is NaN", at,
            "found NaN; expected a number");
      }
      StatefulSchedule<Object> schedule = schedules.get(name);
      double v = n.doubleValue();
      if (schedule != null) {
        Object scheduleState = states.get(name);
        try {
          v = schedule.value(scheduleState, extraArgs);
        } catch (ClassCastException e) {
          throw OptimizerInputException.inState("a schedule state in the optimizer state does not fit its schedule",
              KeyPath.root().attr("hyperparamsStates").dict(name),
              "found " + FloatTypes.describeValue(scheduleState) + ": " + e.getMessage());
        }
      }
      values.put(name, stored(v));
    }
    return values;
  }

  /** {@code value} as stored: rounded to float32 unless float64 was chosen. */
  private double stored(double value) {
    return dtype == DataType.FLOAT ? (double) (float) value : value;
  }

  private Map<String, Number> boxed(Map<String, Double> values) {
    Map<String, Number> out = new LinkedHashMap<>();
    values.forEach((k, v) -> out.put(k, dtype == DataType.FLOAT ? (Number) (float) (double) v : (Number) v));
    return out;
  }

  private HyperparamValues valuesOf(Map<String, Double> values) {
    Map<Hyperparam, Double> byName = new LinkedHashMap<>();
    for (Hyperparam h : inner.hyperparams().keySet()) {
      byName.put(h, values.get(h.optaxName()));
    }
    return HyperparamValues.of(byName);
  }

  @Override
  public String toString() {
    return "inject_hyperparams(" + inner + (dtype == DataType.DOUBLE ? ", hyperparam_dtype=float64" : "") + ")";
  }
}
