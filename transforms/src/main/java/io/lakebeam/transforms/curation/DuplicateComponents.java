package io.lakebeam.transforms.curation;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.Combine;

/**
 * Duplicate groups from verified edges in one combine: a union-find over the members (each root is
 * the smallest rank of its component, so the kept row is the same on every runner and for every
 * merge order) plus each member's best similarity. Holds one entry per member of a group, never one
 * per row of the table; past a limit of members it gives up and says so ({@link
 * DuplicateTable#overflow()}), and the distributed connected components take over.
 */
final class DuplicateComponents
    extends Combine.CombineFn<DuplicateEdges, DuplicateComponents.Forest, DuplicateTable> {

  private final int limit;

  /** Gives up (an overflowing table) once the groups hold more than {@code limit} members. */
  DuplicateComponents(int limit) {
    this.limit = limit;
  }

  /** Union-find state: parent and best similarity per member. */
  static final class Forest {
    final HashMap<String, String> parent = new HashMap<>();
    final HashMap<String, Double> best = new HashMap<>();
    boolean overflow;

    void overflow() {
      overflow = true;
      parent.clear();
      best.clear();
    }

    void add(String a, String b, double similarity) {
      union(a, b);
      best.merge(a, similarity, Math::max);
      best.merge(b, similarity, Math::max);
    }

    String find(String x) {
      String root = x;
      String p;
      while ((p = parent.get(root)) != null && !p.equals(root)) {
        root = p;
      }
      while (!x.equals(root)) {
        String next = parent.get(x);
        parent.put(x, root);
        x = next;
      }
      return root;
    }

    void union(String a, String b) {
      parent.putIfAbsent(a, a);
      parent.putIfAbsent(b, b);
      String ra = find(a);
      String rb = find(b);
      if (!ra.equals(rb)) {
        if (ra.compareTo(rb) < 0) {
          parent.put(rb, ra);
        } else {
          parent.put(ra, rb);
        }
      }
    }
  }

  @Override
  public Forest createAccumulator() {
    return new Forest();
  }

  @Override
  public Forest addInput(Forest forest, DuplicateEdges edges) {
    for (int i = 0; i < edges.size() && !forest.overflow; i++) {
      forest.add(edges.from()[i], edges.to()[i], edges.similarity()[i]);
      if (forest.parent.size() > limit) {
        forest.overflow();
      }
    }
    return forest;
  }

  @Override
  public Forest mergeAccumulators(Iterable<Forest> forests) {
    Forest out = new Forest();
    for (Forest f : forests) {
      if (out.overflow || f.overflow || out.parent.size() + f.parent.size() > 2L * limit) {
        out.overflow();
        continue;
      }
      f.parent.forEach(out::union);
      f.best.forEach((member, s) -> out.best.merge(member, s, Math::max));
      if (out.parent.size() > limit) {
        out.overflow();
      }
    }
    return out;
  }

  @Override
  public DuplicateTable extractOutput(Forest forest) {
    if (forest.overflow) {
      return DuplicateTable.overflowing();
    }
    HashMap<String, DuplicateTable.Member> members = HashMap.newHashMap(forest.parent.size());
    for (String member : forest.parent.keySet().toArray(String[]::new)) {
      members.put(member, new DuplicateTable.Member(forest.find(member), forest.best.get(member)));
    }
    return new DuplicateTable(members, false);
  }

  @Override
  public Coder<Forest> getAccumulatorCoder(CoderRegistry registry, Coder<DuplicateEdges> input) {
    return new ForestCoder();
  }

  @Override
  public Coder<DuplicateTable> getDefaultOutputCoder(
      CoderRegistry registry, Coder<DuplicateEdges> input) {
    return DuplicateTable.Coder.of();
  }

  /** Encodes each member with its parent and best similarity. */
  static final class ForestCoder extends AtomicCoder<Forest> {
    @Override
    public void encode(Forest value, OutputStream out) throws IOException {
      VarIntCoder.of().encode(value.overflow ? -1 : value.parent.size(), out);
      DataOutputStream data = new DataOutputStream(out);
      for (Map.Entry<String, String> e : value.parent.entrySet()) {
        StringUtf8Coder.of().encode(e.getKey(), out);
        StringUtf8Coder.of().encode(e.getValue(), out);
        data.writeDouble(value.best.getOrDefault(e.getKey(), Double.NaN));
        data.flush();
      }
    }

    @Override
    public Forest decode(InputStream in) throws IOException {
      int n = VarIntCoder.of().decode(in);
      DataInputStream data = new DataInputStream(in);
      Forest f = new Forest();
      if (n < 0) {
        f.overflow();
        return f;
      }
      for (int i = 0; i < n; i++) {
        String member = StringUtf8Coder.of().decode(in);
        f.parent.put(member, StringUtf8Coder.of().decode(in));
        double s = data.readDouble();
        if (!Double.isNaN(s)) {
          f.best.put(member, s);
        }
      }
      return f;
    }
  }
}
