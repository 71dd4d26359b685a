package org.pytree4j.optim;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.pytree4j.KeyPath;
import org.pytree4j.LeafWithPath;
import org.pytree4j.PyTreeOps;
import org.pytree4j.PyTrees;

/**
 * Finds and replaces hyperparameters in the {@link InjectHyperparamsState}s anywhere inside an
 * optimizer state: Optax's {@code tree_get} / {@code tree_set} for hyperparameters.
 */
final class HyperparamLookup {
  private static final PyTreeOps INJECT_IS_LEAF = PyTrees.isLeaf(x -> x instanceof InjectHyperparamsState);

  private HyperparamLookup() {}

  /** An inject state and where it is. */
  record Found(KeyPath path, InjectHyperparamsState state) {}

  /** Every inject state in {@code state}, outer ones first, with its path. */
  static List<Found> injectStates(OptState state) {
    List<Found> found = new ArrayList<>();
    collect(state, KeyPath.root(), found);
    return found;
  }

  private static void collect(Object tree, KeyPath prefix, List<Found> found) {
    for (LeafWithPath leaf : INJECT_IS_LEAF.leavesWithPath(tree)) {
      if (leaf.leaf() instanceof InjectHyperparamsState inject) {
        KeyPath path = UpdateTrees.concat(prefix, leaf.path());
        found.add(new Found(path, inject));
        collect(inject.innerState(), path.attr("innerState"), found);
      }
    }
  }

  static double find(OptState state, String name) {
    List<Found> all = injectStates(state);
    List<Found> matches = new ArrayList<>();
    for (Found f : all) {
      if (f.state().hyperparams() != null && f.state().hyperparams().containsKey(name)) {
        matches.add(f);
      }
    }
    if (matches.isEmpty()) {
      if (all.isEmpty()) {
        throw new IllegalArgumentException("no hyperparameter '" + name + "' in this optimizer state: it holds no"
            + " injectHyperparams state (wrap the optimizer in injectHyperparams(...) to keep its hyperparameters in the state)");
      }
      TreeSet<String> known = new TreeSet<>();
      for (Found f : all) {
        if (f.state().hyperparams() != null) {
          known.addAll(f.state().hyperparams().keySet());
        }
      }
      throw new IllegalArgumentException(
          "no hyperparameter '" + name + "' in this optimizer state; its hyperparameters are " + known);
    }
    if (matches.size() > 1) {
      List<String> where = new ArrayList<>();
      for (Found f : matches) {
        where.add(f.path().attr("hyperparams").dict(name).describe());
      }
      throw new IllegalArgumentException("hyperparameter '" + name + "' is in " + matches.size()
          + " places of this optimizer state: " + where + "; read one with get(index, InjectHyperparamsState.class)");
    }
    return matches.get(0).state().hyperparam(name);
  }

  /** {@code state} with {@code name} set to {@code value} in every inject state that has it; none throws. */
  static <S extends OptState> S set(S state, String name, double value) {
    int[] replaced = {0};
    S result = replaceIn(state, name, value, replaced);
    if (replaced[0] == 0) {
      find(state, name);
    }
    return result;
  }

  private static <T> T replaceIn(T tree, String name, double value, int[] replaced) {
    return INJECT_IS_LEAF.map((Object leaf) -> {
      if (!(leaf instanceof InjectHyperparamsState inject)) {
        return leaf;
      }
      InjectHyperparamsState updated = inject;
      if (inject.hyperparams() != null && inject.hyperparams().containsKey(name)) {
        updated = updated.withHyperparam(name, value);
        replaced[0]++;
      }
      return updated.withInnerState(replaceIn(inject.innerState(), name, value, replaced));
    }, tree);
  }
}
