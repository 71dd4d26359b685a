package org.pytree4j.parallel;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.Dtypes;
import org.pytree4j.Flattened;
import org.pytree4j.LeafWithPath;
import org.pytree4j.PyTrees;
import org.pytree4j.TreeDef;

/**
 * What ranks compare before they exchange a tree: a 64-bit fingerprint of its key paths and of each
 * leaf's data type and shape (stable across JVMs, unlike {@code hashCode}), and, when fingerprints
 * differ, a description that names the first differing key path.
 */
final class TreeSignature {
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  /** Fingerprints of the key paths of recently seen structures; computing them walks every path. */
  private final Map<TreeDef, Long> pathHashes = new LinkedHashMap<>(16, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<TreeDef, Long> eldest) {
      return size() > 8;
    }
  };

  /** The fingerprint of a flattened tree: its key paths, and each leaf's kind, data type and shape. */
  long fingerprint(Object tree, Flattened flat) {
    Long paths = pathHashes.get(flat.treeDef());
    if (paths == null) {
      long h = FNV_OFFSET;
      for (LeafWithPath leaf : PyTrees.leavesWithPath(tree)) {
        h = mix(h, leaf.path().keystr());
      }
      paths = h;
      pathHashes.put(flat.treeDef(), paths);
    }
    long h = mix(paths, flat.leaves().size());
    for (Object leaf : flat.leaves()) {
      if (leaf instanceof INDArray a) {
        h = mix(h, a.dataType().name());
        long[] shape = a.shape();
        h = mix(h, shape.length);
        for (long d : shape) {
          h = mix(h, d);
        }
      } else {
        h = mix(h, leaf == null ? "null" : leaf.getClass().getName());
      }
    }
    return h;
  }

  /** One line per leaf, {@code <key path>\t<kind>}, for {@link #firstDifference}. */
  static byte[] describe(Object tree) {
    StringBuilder out = new StringBuilder();
    for (LeafWithPath leaf : PyTrees.leavesWithPath(tree)) {
      out.append(leaf.path().describe()).append('\t').append(kind(leaf.leaf())).append('\n');
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** {@code float32[2, 32]}, {@code java.lang.Long}. */
  static String kind(Object leaf) {
    if (leaf instanceof INDArray a) {
      return Dtypes.numpyName(a.dataType()) + Arrays.toString(a.shape());
    }
    return leaf == null ? "null" : leaf.getClass().getName();
  }

  /** The first rank whose description differs from rank 0's, and where. */
  static String firstDifference(byte[][] descriptions) {
    List<String[]> reference = lines(descriptions[0]);
    for (int r = 1; r < descriptions.length; r++) {
      List<String[]> other = lines(descriptions[r]);
      int n = Math.min(reference.size(), other.size());
      for (int i = 0; i < n; i++) {
        String[] a = reference.get(i);
        String[] b = other.get(i);
        if (!a[0].equals(b[0])) {
          return "rank " + r + "'s tree differs from rank 0's at leaf " + i + ": rank 0 has " + a[0] + " (" + a[1]
              + "), rank " + r + " has " + b[0] + " (" + b[1] + ")";
        }
        if (!a[1].equals(b[1])) {
          return "rank " + r + "'s tree differs from rank 0's at " + a[0] + ": rank 0 has " + a[1] + ", rank " + r
              + " has " + b[1];
        }
      }
      if (reference.size() > n) {
        String[] a = reference.get(n);
        return "rank " + r + "'s tree has " + other.size() + " leaves and rank 0's " + reference.size() + ": rank "
            + r + " has nothing at " + a[0] + ", where rank 0 has " + a[1];
      }
      if (other.size() > n) {
        String[] b = other.get(n);
        return "rank " + r + "'s tree has " + other.size() + " leaves and rank 0's " + reference.size() + ": rank "
            + r + " has " + b[1] + " at " + b[0] + ", where rank 0 has nothing";
      }
    }
    return "the ranks' trees differ in structure (node types), not in key paths, data types or shapes";
  }

  private static List<String[]> lines(byte[] description) {
    List<String[]> out = new ArrayList<>();
    for (String line : new String(description, StandardCharsets.UTF_8).split("\n")) {
      if (!line.isEmpty()) {
        int tab = line.lastIndexOf('\t');
        out.add(new String[] {line.substring(0, tab), line.substring(tab + 1)});
      }
    }
    return out;
  }

  private static long mix(long h, String s) {
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xff)) * FNV_PRIME;
    }
    return (h ^ 0xff) * FNV_PRIME;
  }

  private static long mix(long h, long v) {
    for (int i = 0; i < 8; i++) {
      h = (h ^ ((v >>> (8 * i)) & 0xff)) * FNV_PRIME;
    }
    return h;
  }
}
