package io.lakebeam.core.index;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakebeam.core.LakebeamException;
import java.io.IOException;
import java.util.List;

/**
 * The description of one BM25 text index of a collection, stored as a Puffin blob of type {@value
 * #BLOB_TYPE} in the table's {@code metadata/} folder and pointed at by the table property {@code
 * lakebeam.text-index.<field>.manifest} (see {@code docs/table-layout.md}).
 *
 * @param field the string column
 * @param analyzer the analyzer name ({@link TextAnalyzers})
 * @param k1 BM25 term-frequency saturation
 * @param b BM25 length normalisation
 * @param snapshotId the table snapshot whose data files the segments cover
 * @param segments the Lucene segments; together they cover each indexed row once
 * @param builtAtMillis when this manifest was committed
 */
public record TextIndexManifest(
    String field,
    String analyzer,
    float k1,
    float b,
    long snapshotId,
    List<SegmentRef> segments,
    long builtAtMillis) {
  public static final String BLOB_TYPE = "lakebeam-text-index-v1";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One segment: a single-segment Lucene index over {@code files}, packed into one file at {@code
   * path} ({@link TextSegmentFiles}); each document holds its row's file ordinal (into {@code
   * files}) and position as doc values.
   */
  public record SegmentRef(String path, long rows, List<String> files) {}

  public long rows() {
    return segments.stream().mapToLong(SegmentRef::rows).sum();
  }

  byte[] toJson() {
    try {
      return JSON.writeValueAsBytes(this);
    } catch (IOException e) {
      throw LakebeamException.internal("Cannot serialise text index manifest", e);
    }
  }

  static TextIndexManifest fromJson(byte[] json) {
    try {
      return JSON.readValue(json, TextIndexManifest.class);
    } catch (IOException e) {
      throw LakebeamException.internal("Cannot read text index manifest", e);
    }
  }
}
