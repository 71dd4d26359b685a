package org.pytree4j.processor;

import java.util.List;

/**
 * The five roles of a Flax {@code TrainState} found in a record, and the user's extra components.
 * Any role may be null when the record lacks it; the validator reports that.
 */
record TrainStateModel(
    ComponentModel step,
    ComponentModel applyFn,
    ComponentModel params,
    ComponentModel tx,
    ComponentModel optState,
    List<ComponentModel> extras) {

  static final String STEP = "step";
  static final String APPLY_FN = "applyFn";
  static final String PARAMS = "params";
  static final String TX = "tx";
  static final String OPT_STATE = "optState";

  static final List<String> ROLES = List.of(STEP, APPLY_FN, PARAMS, TX, OPT_STATE);
}
