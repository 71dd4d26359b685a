package org.pytree4j.optim.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.PyTrees;
import org.pytree4j.optim.ChainState;
import org.pytree4j.optim.InjectHyperparamsState;
import org.pytree4j.optim.OptState;
import org.pytree4j.optim.schedule.WrappedScheduleState;

/** Arrays, trees and comparisons for the conformance cases. */
final class Trees {
  private Trees() {}

  static INDArray ones(long... shape) {
    return Nd4j.ones(DataType.FLOAT, shape);
  }

  static INDArray zeros(long... shape) {
    return Nd4j.zeros(DataType.FLOAT, shape);
  }

  /** A JSON list of numbers as a float32 vector; a number as a rank-0 array. */
  static INDArray array(JsonNode n) {
    if (n.isNumber()) {
      return Nd4j.scalar(DataType.FLOAT, n.asDouble());
    }
    float[] v = new float[n.size()];
    for (int i = 0; i < v.length; i++) {
      assertTrue(n.get(i).isNumber(), "not a number: " + n.get(i));
      v[i] = (float) n.get(i).asDouble();
    }
    return Nd4j.create(v, new long[] {v.length}, 'c');
  }

  /** A JSON list of lists of numbers as a list (Python tuple) of float32 arrays. */
  static List<Object> arrays(JsonNode n) {
    List<Object> out = new ArrayList<>();
    for (JsonNode a : n) {
      out.add(array(a));
    }
    return out;
  }

  /** {@code ones_like} of every leaf. */
  static <T> T onesLike(T tree) {
    return PyTrees.map((INDArray x) -> Nd4j.ones(x.dataType(), x.shape()), tree);
  }

  static <T> T times(double k, T tree) {
    return PyTrees.map((INDArray x) -> x.mul(k), tree);
  }

  static double[] values(INDArray a) {
    return a.dup('c').castTo(DataType.DOUBLE).data().asDouble();
  }

  /** The global L2 norm of a tree, in float64. */
  static double norm(Object tree) {
    double sum = 0;
    for (Object leaf : PyTrees.leaves(tree)) {
      for (double x : values((INDArray) leaf)) {
        sum += x * x;
      }
    }
    return Math.sqrt(sum);
  }

  /** Same structure, and every array leaf within the tolerance of the other, element by element. */
  static void assertTreesClose(Object expected, Object actual, JsonNode tol, String what) {
    assertEquals(PyTrees.structure(expected), PyTrees.structure(actual), what + ": structure");
    List<Object> e = PyTrees.leaves(expected);
    List<Object> a = PyTrees.leaves(actual);
    for (int i = 0; i < e.size(); i++) {
      if (e.get(i) instanceof INDArray ea) {
        INDArray aa = (INDArray) a.get(i);
        assertArrayEquals(ea.shape(), aa.shape(), what + ": shape of leaf " + i);
        double[] ev = values(ea);
        double[] av = values(aa);
        for (int k = 0; k < ev.length; k++) {
          Tolerances.assertScalar(tol, ev[k], av[k], what + ": leaf " + i + " element " + k);
        }
      } else if (e.get(i) instanceof Number en) {
        Tolerances.assertScalar(tol, en.doubleValue(), ((Number) a.get(i)).doubleValue(), what + ": leaf " + i);
      } else {
        assertEquals(e.get(i), a.get(i), what + ": leaf " + i);
      }
    }
  }

  /**
   * How Python prints an optimizer state, for the docstring cases: Optax's class names
   * ({@code InjectStatefulHyperparamsState} for {@link InjectHyperparamsState}), Optax's field names,
   * int32 counters and float32 hyperparameters as {@code Array(..)}, chain states as tuples.
   */
  static String pythonRepr(Object x) {
    if (x instanceof InjectHyperparamsState s) {
      return "InjectStatefulHyperparamsState(count=" + pythonRepr(s.count()) + ", hyperparams="
          + pythonRepr(s.hyperparams()) + ", hyperparams_states=" + pythonRepr(s.hyperparamsStates())
          + ", inner_state=" + pythonRepr(s.innerState()) + ")";
    }
    if (x instanceof WrappedScheduleState w) {
      return "WrappedScheduleState(count=" + pythonRepr(w.count()) + ")";
    }
    if (x instanceof ChainState chain) {
      List<String> parts = new ArrayList<>();
      for (OptState s : chain.states()) {
        parts.add(pythonRepr(s));
      }
      return "(" + String.join(", ", parts) + (parts.size() == 1 ? ",)" : ")");
    }
    if (x instanceof Record r && r.getClass().getRecordComponents().length == 0) {
      return r.getClass().getSimpleName() + "()";
    }
    if (x instanceof Integer i) {
      return "Array(" + i + ", dtype=int32)";
    }
    if (x instanceof Float f) {
      float v = f;
      String repr = v == Math.rint(v) && Math.abs(v) < 1e16 ? (long) v + "." : Float.toString(v);
      return "Array(" + repr + ", dtype=float32)";
    }
    if (x instanceof Map<?, ?> m) {
      List<String> parts = new ArrayList<>();
      m.forEach((k, v) -> parts.add("'" + k + "': " + pythonRepr(v)));
      return "{" + String.join(", ", parts) + "}";
    }
    throw new AssertionError("no Python repr in this test for " + x);
  }
}
