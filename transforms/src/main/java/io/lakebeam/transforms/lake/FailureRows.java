package io.lakebeam.transforms.lake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.SimpleFunction;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.values.Row;
import org.joda.time.Instant;

/**
 * Turns a Beam {@link BadRecord} into a row of a failures table: when, which record (a document URI
 * for Lakebeam's own transforms), which stage, why, and the error.
 */
final class FailureRows extends SimpleFunction<BadRecord, Row> {
  static final Schema SCHEMA =
      Schema.builder()
          .addDateTimeField("failed_at")
          .addNullableStringField("uri")
          .addStringField("stage")
          .addStringField("reason")
          .addNullableStringField("error")
          .addNullableStringField("stack_trace")
          .build();

  private static final Pattern STAGE = Pattern.compile("^\\[([a-z_ -]+)]\\s*(.*)$", Pattern.DOTALL);
  private static final int MAX_STACK = 8_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final org.apache.beam.sdk.metrics.Counter failed =
      org.apache.beam.sdk.metrics.Metrics.counter("lakebeam", "records_failed");

  @Override
  public Row apply(BadRecord bad) {
    failed.inc();
    String description = bad.getFailure().getDescription();
    String stage = "unknown";
    String reason = description == null ? "" : description;
    Matcher m = STAGE.matcher(reason);
    if (m.matches()) {
      stage = m.group(1);
      reason = m.group(2);
    }
    String stack = bad.getFailure().getExceptionStacktrace();
    if (stack != null && stack.length() > MAX_STACK) {
      stack = stack.substring(0, MAX_STACK);
    }
    return Row.withSchema(SCHEMA)
        .addValues(
            Instant.now(),
            uri(bad.getRecord().getHumanReadableJsonRecord()),
            stage,
            reason,
            bad.getFailure().getException(),
            stack)
        .build();
  }

  private static String uri(String json) {
    if (json == null) {
      return null;
    }
    try {
      JsonNode node = JSON.readTree(json);
      if (node.isTextual()) {
        return node.asText();
      }
      if (node.has("uri")) {
        return node.get("uri").asText();
      }
    } catch (Exception e) {
      return json;
    }
    return json;
  }
}
