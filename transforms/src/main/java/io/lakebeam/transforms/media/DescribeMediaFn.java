package io.lakebeam.transforms.media;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.errorhandling.BadRecordRouter;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;

/** One {@link MediaRows} row per file URI; a file that cannot be stat'ed is a failure. */
final class DescribeMediaFn extends DoFn<String, Row> {
  static final TupleTag<Row> MEDIA = new TupleTag<>() {};

  private final MediaStore store;
  private final BadRecordRouter badRecords;

  DescribeMediaFn(MediaStore store, BadRecordRouter badRecords) {
    this.store = store;
    this.badRecords = badRecords;
  }

  @ProcessElement
  public void process(@Element String uri, MultiOutputReceiver out) throws Exception {
    long size;
    try {
      size = store.size(uri);
    } catch (IOException | RuntimeException e) {
      badRecords.route(
          out, uri, StringUtf8Coder.of(), e, "[read] Cannot read " + uri + ": " + e.getMessage());
      return;
    }
    out.get(MEDIA)
        .output(
            Row.withSchema(MediaRows.SCHEMA)
                .addValues(mediaId(uri), uri, MediaRows.typeOf(uri), size)
                .build());
  }

  /** First 16 hex digits of SHA-256 of the URI. */
  static String mediaId(String uri) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(uri.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h, 0, 8);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
