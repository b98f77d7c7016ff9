package io.lakebeam.core.index;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.lake.Metric;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The description of one vector index of a collection, stored as a Puffin blob of type {@value
 * #BLOB_TYPE} in an Iceberg statistics file of the snapshot it covers (see {@code
 * docs/table-layout.md}).
 *
 * @param field the vector column
 * @param metric the similarity the graph was built with
 * @param params the build parameters
 * @param snapshotId the table snapshot whose data files the segments cover
 * @param segments the graph segments; together they cover each indexed row once
 * @param builtAtMillis when this manifest was committed
 */
public record IndexManifest(
    String field,
    String metric,
    Map<String, Object> params,
    long snapshotId,
    List<SegmentRef> segments,
    long builtAtMillis) {
  public static final String BLOB_TYPE = "lakebeam-vector-index-v1";
  private static final ObjectMapper JSON =
      new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  /**
   * One graph segment: a jVector on-disk graph with inline vectors, and a row map from graph
   * ordinals to (data file, position). {@code unitVectors}: the graph holds unit-length vectors and
   * scores cosine as a dot product ({@link io.lakebeam.core.lake.Metric#indexSimilarity()}). {@code
   * rows}: the ordinals that name a row; a segment carried over a column write-back may hold more
   * graph nodes than that (rows the rewrite dropped), and shares its graph file with the segment it
   * was carried from. {@code pqPath}: the segment's product-quantized codes (the hot tier's
   * in-memory form), or null for segments built without them (too small, or before they existed).
   * {@code unreachableNodes}: graph nodes no search from the entry node reaches after the build's
   * reachability repair (0 when it connected every node; null for segments built before it was
   * counted).
   */
  public record SegmentRef(
      String graphPath,
      String rowsPath,
      long rows,
      List<String> files,
      boolean unitVectors,
      String pqPath,
      Integer unreachableNodes) {}

  public Metric metricValue() {
    return Metric.parse(metric);
  }

  public IndexParams paramsValue() {
    return IndexParams.fromMap(params);
  }

  public long rows() {
    return segments.stream().mapToLong(SegmentRef::rows).sum();
  }

  public byte[] toJson() {
    try {
      return JSON.writeValueAsBytes(this);
    } catch (IOException e) {
      throw LakebeamException.internal("Cannot serialise index manifest", e);
    }
  }

  public static IndexManifest fromJson(byte[] json) {
    try {
      return JSON.readValue(json, IndexManifest.class);
    } catch (IOException e) {
      throw LakebeamException.internal("Cannot read index manifest", e);
    }
  }
}
