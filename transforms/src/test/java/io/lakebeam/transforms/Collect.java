package io.lakebeam.transforms;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.Row;

/** Collects rows of a pipeline run in this JVM (Direct runner) for assertions. */
public final class Collect extends DoFn<Row, Void> {
  private static final ConcurrentLinkedQueue<Row> ROWS = new ConcurrentLinkedQueue<>();

  @ProcessElement
  public void process(@Element Row row) {
    ROWS.add(row);
  }

  public static List<Row> drain() {
    List<Row> out = new ArrayList<>(ROWS);
    ROWS.clear();
    return out;
  }
}
