package io.lakebeam.transforms.curation;

import java.util.List;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.ApproximateQuantiles;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;

/**
 * Flags the rows whose score is at or above the {@code 1 - fraction} quantile of all scores (Beam's
 * distributed approximate quantiles, exact for small inputs), giving result rows of {@code (score,
 * flag)} per row id.
 */
final class FlagTopFraction
    extends PTransform<PCollection<KV<String, Double>>, PCollection<KV<String, Row>>> {
  private final double fraction;
  private final Schema results;

  FlagTopFraction(double fraction, Schema results) {
    this.fraction = fraction;
    this.results = results;
  }

  @Override
  public PCollection<KV<String, Row>> expand(PCollection<KV<String, Double>> scores) {
    int quantiles = (int) Math.min(100_001, Math.ceil(1 / fraction) + 1);
    int index = (int) Math.round((quantiles - 1) * (1 - fraction));
    PCollectionView<List<Double>> cuts =
        scores
            .apply("Scores", Values.create())
            .apply("Quantiles", ApproximateQuantiles.globally(quantiles))
            .apply("Quantiles view", View.asSingleton());
    Schema schema = results;
    return scores
        .apply(
            "Flag top " + fraction,
            ParDo.of(
                    new DoFn<KV<String, Double>, KV<String, Row>>() {
                      @ProcessElement
                      public void process(ProcessContext c) {
                        List<Double> q = c.sideInput(cuts);
                        double score = c.element().getValue();
                        boolean flag =
                            !q.isEmpty() && score >= q.get(Math.min(index, q.size() - 1));
                        c.output(
                            KV.of(
                                c.element().getKey(),
                                Row.withSchema(schema).addValues(score, flag).build()));
                      }
                    })
                .withSideInputs(cuts))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), RowCoder.of(results)));
  }

  static KvCoder<String, Double> scoreCoder() {
    return KvCoder.of(StringUtf8Coder.of(), DoubleCoder.of());
  }
}
