package io.lakebeam.transforms.curation;

import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Distinct;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.Min;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Connected components of an undirected graph given as edges, distributed: every node ends with the
 * smallest node of its component as label. A fixed number of min-label propagation rounds (each a
 * join of edges and labels, no step holding more than one node's neighbours) settles most
 * components; the edges between labels that still differ afterwards (few, or none) are merged with
 * a union-find, so the result is exact for any graph.
 */
final class ConnectedComponents
    extends PTransform<PCollection<KV<String, String>>, PCollection<KV<String, String>>> {
  private static final TupleTag<String> NEIGHBOURS = new TupleTag<>() {};
  private static final TupleTag<String> LABEL = new TupleTag<>() {};

  private final int rounds;

  ConnectedComponents(int rounds) {
    this.rounds = rounds;
  }

  @Override
  public PCollection<KV<String, String>> expand(PCollection<KV<String, String>> edges) {
    KvCoder<String, String> coder = KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of());
    PCollection<KV<String, String>> both =
        edges.apply("Both directions", ParDo.of(new BothDirections())).setCoder(coder);
    PCollection<KV<String, String>> labels =
        PCollectionList.of(both)
            .and(both.apply("Self labels", ParDo.of(new SelfLabel())).setCoder(coder))
            .apply("Start labels", Flatten.pCollections())
            .apply("Smallest neighbour", Min.perKey());
    for (int i = 1; i <= rounds; i++) {
      labels =
          KeyedPCollectionTuple.of(NEIGHBOURS, both)
              .and(LABEL, labels)
              .apply("Join labels " + i, CoGroupByKey.create())
              .apply("Send labels " + i, ParDo.of(new SendLabel()))
              .setCoder(coder)
              .apply("Smallest label " + i, Min.perKey());
    }
    PCollectionView<Map<String, String>> roots =
        KeyedPCollectionTuple.of(NEIGHBOURS, both)
            .and(LABEL, labels)
            .apply("Join final labels", CoGroupByKey.create())
            .apply("Send final labels", ParDo.of(new SendLabel()))
            .setCoder(coder)
            .apply("Gather labels", GroupByKey.create())
            .apply("Unsettled label pairs", ParDo.of(new LabelPairs()))
            .setCoder(coder)
            .apply("Distinct label pairs", Distinct.create())
            .apply("Merge labels", Combine.globally(new UnionFind()))
            .setCoder(MapCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()))
            .apply("Roots view", View.asSingleton());
    return labels
        .apply(
            "Apply roots",
            ParDo.of(
                    new DoFn<KV<String, String>, KV<String, String>>() {
                      @ProcessElement
                      public void process(ProcessContext c) {
                        String label = c.element().getValue();
                        String root = c.sideInput(roots).getOrDefault(label, label);
                        c.output(KV.of(c.element().getKey(), root));
                      }
                    })
                .withSideInputs(roots))
        .setCoder(coder);
  }

  private static final class BothDirections extends DoFn<KV<String, String>, KV<String, String>> {
    @ProcessElement
    public void process(@Element KV<String, String> e, OutputReceiver<KV<String, String>> out) {
      out.output(e);
      out.output(KV.of(e.getValue(), e.getKey()));
    }
  }

  private static final class SelfLabel extends DoFn<KV<String, String>, KV<String, String>> {
    @ProcessElement
    public void process(@Element KV<String, String> e, OutputReceiver<KV<String, String>> out) {
      out.output(KV.of(e.getKey(), e.getKey()));
    }
  }

  /** A node sends its label to each neighbour, and keeps it. */
  private static final class SendLabel extends DoFn<KV<String, CoGbkResult>, KV<String, String>> {
    @ProcessElement
    public void process(
        @Element KV<String, CoGbkResult> node, OutputReceiver<KV<String, String>> out) {
      String label = node.getValue().getOnly(LABEL);
      out.output(KV.of(node.getKey(), label));
      for (String n : node.getValue().getAll(NEIGHBOURS)) {
        out.output(KV.of(n, label));
      }
    }
  }

  /**
   * The labels a node received (its own and its neighbours') belong to one component: pairs each
   * with the smallest when they differ, i.e. where the rounds did not settle an edge.
   */
  private static final class LabelPairs
      extends DoFn<KV<String, Iterable<String>>, KV<String, String>> {
    @ProcessElement
    public void process(
        @Element KV<String, Iterable<String>> node, OutputReceiver<KV<String, String>> out) {
      String min = null;
      for (String label : node.getValue()) {
        min = min == null || label.compareTo(min) < 0 ? label : min;
      }
      java.util.Set<String> seen = new java.util.HashSet<>();
      for (String label : node.getValue()) {
        if (!label.equals(min) && seen.add(label)) {
          out.output(KV.of(min, label));
        }
      }
    }
  }

  /** Union-find over label pairs; outputs each label's smallest connected label. */
  static final class UnionFind
      extends Combine.CombineFn<KV<String, String>, HashMap<String, String>, Map<String, String>> {
    @Override
    public HashMap<String, String> createAccumulator() {
      return new HashMap<>();
    }

    @Override
    public HashMap<String, String> addInput(HashMap<String, String> parent, KV<String, String> e) {
      union(parent, e.getKey(), e.getValue());
      return parent;
    }

    @Override
    public HashMap<String, String> mergeAccumulators(Iterable<HashMap<String, String>> all) {
      HashMap<String, String> merged = new HashMap<>();
      for (HashMap<String, String> parent : all) {
        parent.forEach((child, p) -> union(merged, child, p));
      }
      return merged;
    }

    @Override
    public Map<String, String> extractOutput(HashMap<String, String> parent) {
      Map<String, String> roots = new HashMap<>();
      for (String node : parent.keySet()) {
        roots.put(node, find(parent, node));
      }
      return roots;
    }

    private static String find(Map<String, String> parent, String x) {
      String root = x;
      while (parent.containsKey(root) && !parent.get(root).equals(root)) {
        root = parent.get(root);
      }
      return root;
    }

    private static void union(Map<String, String> parent, String a, String b) {
      String ra = find(parent, a);
      String rb = find(parent, b);
      parent.putIfAbsent(ra, ra);
      parent.putIfAbsent(rb, rb);
      if (!ra.equals(rb)) {
        if (ra.compareTo(rb) < 0) {
          parent.put(rb, ra);
        } else {
          parent.put(ra, rb);
        }
      }
    }
  }
}
