package io.lakebeam.transforms.curation;

import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Keys;
import org.apache.beam.sdk.transforms.Max;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Turns verified duplicate pairs (two ranks and their similarity) into one result per member: its
 * group (connected components of the pairs), whether it is the kept row, its best similarity.
 */
final class DuplicateGroups
    extends PTransform<PCollection<KV<KV<String, String>, Double>>, PCollection<KV<String, Row>>> {
  private static final TupleTag<String> LABEL = new TupleTag<>() {};
  private static final TupleTag<Double> SIMILARITY = new TupleTag<>() {};

  private final DuplicateFields fields;
  private final int rounds;

  DuplicateGroups(DuplicateFields fields, int rounds) {
    this.fields = fields;
    this.rounds = rounds;
  }

  @Override
  public PCollection<KV<String, Row>> expand(PCollection<KV<KV<String, String>, Double>> pairs) {
    PCollection<KV<String, String>> labels =
        pairs
            .apply("Pairs", Keys.create())
            .apply("Connected components", new ConnectedComponents(rounds));
    PCollection<KV<String, Double>> best =
        pairs
            .apply(
                "Similarity per member",
                ParDo.of(
                    new DoFn<KV<KV<String, String>, Double>, KV<String, Double>>() {
                      @ProcessElement
                      public void process(
                          @Element KV<KV<String, String>, Double> p,
                          OutputReceiver<KV<String, Double>> out) {
                        out.output(KV.of(p.getKey().getKey(), p.getValue()));
                        out.output(KV.of(p.getKey().getValue(), p.getValue()));
                      }
                    }))
            .apply("Best similarity", Max.doublesPerKey());
    return KeyedPCollectionTuple.of(LABEL, labels)
        .and(SIMILARITY, best)
        .apply("Join groups", CoGroupByKey.create())
        .apply("Describe members", ParDo.of(new Describe(fields)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), RowCoder.of(fields.resultSchema())));
  }

  private static final class Describe extends DoFn<KV<String, CoGbkResult>, KV<String, Row>> {
    private final DuplicateFields fields;

    Describe(DuplicateFields fields) {
      this.fields = fields;
    }

    @ProcessElement
    public void process(
        @Element KV<String, CoGbkResult> member, OutputReceiver<KV<String, Row>> out) {
      String rank = member.getKey();
      String label = member.getValue().getOnly(LABEL);
      Double similarity = member.getValue().getOnly(SIMILARITY, null);
      out.output(KV.of(DuplicateFields.rowIdOf(rank), fields.result(rank, label, similarity)));
    }
  }
}
