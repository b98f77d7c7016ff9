package io.lakebeam.transforms;

import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.transforms.errorhandling.BadRecordRouter;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;

/**
 * How Lakebeam's transforms use Beam's bad-record error handling: with a handler, failed records
 * are recorded and sent to it; without one, the first failure fails the pipeline (Beam's default).
 */
public final class BadRecords {
  private BadRecords() {}

  /** The router a DoFn uses for {@code handler} (null: none configured). */
  public static BadRecordRouter routerFor(ErrorHandler<BadRecord, ?> handler) {
    return handler == null ? BadRecordRouter.THROWING_ROUTER : BadRecordRouter.RECORDING_ROUTER;
  }

  /** Gives the bad-record output of {@code outputs} its coder and hands it to {@code handler}. */
  public static void collect(PCollectionTuple outputs, ErrorHandler<BadRecord, ?> handler) {
    PCollection<BadRecord> failed =
        outputs
            .get(BadRecordRouter.BAD_RECORD_TAG)
            .setCoder(BadRecord.getCoder(outputs.getPipeline()));
    if (handler != null) {
      handler.addErrorCollection(failed);
    }
  }
}
