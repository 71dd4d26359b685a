package org.pytree4j.optim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.pytree4j.KeyEntry;
import org.pytree4j.KeyPath;
import org.pytree4j.LeafWithPath;
import org.pytree4j.PyTrees;

/**
 * Optax's {@code partition(transforms, param_labels)} (formerly {@code multi_transform}): each param
 * is updated by the transformation of its label, as {@code masked(transforms[label], labels == label)}
 * for every label in turn. State: {@link PartitionState}, one {@link MaskedState} per label.
 *
 * <pre>{@code
 * partition(Map.of("trainable", adam(1e-3), "frozen", setToZero()),
 *     Labels.byPath(path -> path.keystr().startsWith("['backbone']") ? "frozen" : "trainable"))
 * }</pre>
 *
 * <p>Every param's label must have a transformation (a missing one is an error naming the param, at
 * {@code init} as in Optax, and at {@code update}); a transformation no param is labelled with keeps
 * a state of {@link MaskedNode}s. Each label's transformation is checked before any of them computes.
 * Not fused: the step engine runs one chain of ops over every element, and here leaves of different
 * labels run different ones ({@code docs/optimizers.md} has the measurement).
 */
public final class Partition extends AbstractTransformation {
  private static final KeyEntry INNER_STATES = new KeyEntry.GetAttrKey("innerStates");

  private final Map<String, GradientTransformation> transforms;
  private final Labels labels;

  Partition(Map<String, ? extends GradientTransformation> transforms, Labels labels) {
    if (transforms == null || labels == null) {
      throw new IllegalArgumentException("partition needs transformations by label and the labels, not null");
    }
    Map<String, GradientTransformation> copy = new LinkedHashMap<>();
    transforms.forEach((label, tx) -> {
      if (label == null || tx == null) {
        throw new IllegalArgumentException("partition: the transformation for label " + label + " is " + tx
            + "; labels and transformations must not be null");
      }
      copy.put(label, tx);
    });
    this.transforms = java.util.Collections.unmodifiableMap(copy);
    this.labels = labels;
  }

  /** The transformations by label, in the order given. */
  public Map<String, GradientTransformation> transforms() {
    return transforms;
  }

  /** How params are labelled. */
  public Labels labels() {
    return labels;
  }

  private Masked masked(String label, Labels fixed) {
    return new Masked(transforms.get(label), fixed.is(label));
  }

  /**
   * The labels of {@code tree}, computed once (Optax calls a callable {@code param_labels} once per
   * init and update), checked to have a transformation each.
   */
  private Labels labelsOf(Object tree, String what) {
    Labels fixed = labels instanceof LabelTree labelTree ? labelTree.fixedFor(tree) : fixedSelection(labels.select(tree));
    requireKnownLabels(fixed.select(tree), tree, what);
    return fixed;
  }

  private static Labels fixedSelection(String[] selected) {
    return tree -> selected.clone();
  }

  @Override
  public PartitionState init(Object params) {
    UpdateTrees.flatten(params, "params");
    Labels fixed = labelsOf(params, "params");
    Map<String, OptState> states = new LinkedHashMap<>();
    for (String label : transforms.keySet()) {
      states.put(label, masked(label, fixed).init(params));
    }
    return new PartitionState(states);
  }

  @Override
  void check(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    PartitionState s = stateAs(state, PartitionState.class, "partition");
    if (s.innerStates() == null || !s.innerStates().keySet().equals(new TreeSet<>(transforms.keySet()))) {
      throw OptimizerInputException.inState("the optimizer state does not fit the partition",
          KeyPath.root().attr("innerStates"), "the state has the labels "
              + (s.innerStates() == null ? "None" : new ArrayList<>(s.innerStates().keySet()))
              + " but the partition has " + new TreeSet<>(transforms.keySet()) + "; was it made by init of this partition?");
    }
    UpdateTrees.flatten(updates, "updates");
    Labels fixed = labelsOf(updates, "updates");
    // each label's transformation sees only its own leaves, which the others leave as they are: all
    // of them can be checked on the updates as given, before any computes
    for (String label : transforms.keySet()) {
      checkPart(masked(label, fixed), updates, s.innerStates().get(label), params, extraArgs, INNER_STATES,
          new KeyEntry.DictKey(label));
    }
  }

  @Override
  UpdateResult apply(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    PartitionState s = (PartitionState) state;
    Labels fixed = labelsOf(updates, "updates");
    Map<String, OptState> states = new LinkedHashMap<>();
    Object current = updates;
    for (String label : transforms.keySet()) {
      UpdateResult r = applyPart(masked(label, fixed), true, current, s.innerStates().get(label), params, extraArgs,
          INNER_STATES, new KeyEntry.DictKey(label));
      current = r.updates();
      states.put(label, r.state());
    }
    return new UpdateResult(current, new PartitionState(states));
  }

  /** Every array leaf's label has a transformation; else Optax's ValueError, naming the leaf. */
  private void requireKnownLabels(String[] found, Object tree, String what) {
    List<LeafWithPath> leaves = PyTrees.leavesWithPath(tree);
    if (found.length != leaves.size()) {
      throw OptimizerInputException.atPath("the labels do not fit the " + what, KeyPath.root(),
          "they label " + found.length + " leaves but the " + what + " have " + leaves.size());
    }
    for (int i = 0; i < found.length; i++) {
      if (found[i] == null || !transforms.containsKey(found[i])) {
        throw OptimizerInputException.atPath("a param has no corresponding transformation", leaves.get(i).path(),
            "its label is " + (found[i] == null ? "None (null)" : "'" + found[i] + "'")
                + " but the partition has transformations for " + new TreeSet<>(transforms.keySet()));
      }
    }
  }

  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    transforms.forEach((label, tx) -> parts.add("'" + label + "': " + tx));
    return "partition({" + String.join(", ", parts) + "}, " + labels + ")";
  }
}
