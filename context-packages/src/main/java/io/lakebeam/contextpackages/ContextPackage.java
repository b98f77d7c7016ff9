package io.lakebeam.contextpackages;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One built context package: the text to put in a prompt ({@code [1] passage ...}), its citations,
 * and everything that pins how it was built (source snapshot, model, spec hash), so that it can be
 * rebuilt bit for bit.
 *
 * <pre>{@code
 * ContextPackage p = store.get(packages, "support-kb", "key rotation", null);
 * String prompt = p.text();                   // "[1] To rotate keys, ...\n\n[2] ..."
 * p.citations().get(0).uri();                 // where [1] comes from
 * }</pre>
 *
 * @param version 1, 2, ... once stored; 0 before
 * @param tokenCount tokens of {@code text} with {@code tokenizer}'s model
 * @param retrieved candidates the search returned
 * @param duplicatesDropped candidates dropped as near-duplicates
 * @param contentHash {@code sha256:} of the content JSON (topic, query, text, citations)
 * @param specJson the per-topic spec ({@link ContextSpec#forTopic}) as JSON
 * @param specHash {@code sha256:} of {@code specJson}
 * @param model the query embedding model, {@code name@version}
 * @param tokenizer the model whose tokenizer counted the budget, {@code name@version}
 * @param builtAt when the stored version was built, or null before it is stored
 */
public record ContextPackage(
    String name,
    String topic,
    int version,
    String query,
    String text,
    List<Citation> citations,
    int tokenCount,
    int retrieved,
    int duplicatesDropped,
    String contentHash,
    String specJson,
    String specHash,
    String sourceCollection,
    String sourceField,
    long sourceSnapshotId,
    String model,
    String tokenizer,
    String buildId,
    Instant builtAt) {

  public ContextPackage {
    citations = List.copyOf(citations);
  }

  /** The content that is hashed and compared: topic, query, text and citations, in this order. */
  public static String contentJson(
      String topic, String query, String text, List<Citation> citations) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("topic", topic);
    m.put("query", query);
    m.put("text", text);
    m.put("citations", citationMaps(citations));
    return CanonicalJson.write(m);
  }

  /** The citations as JSON (what the packages table stores). */
  public String citationsJson() {
    return CanonicalJson.write(citationMaps(citations));
  }

  /** Parses citations JSON as {@link #citationsJson()} writes it. */
  public static List<Citation> parseCitationsJson(String json) {
    List<Citation> out = new ArrayList<>();
    for (Map<String, Object> m : CanonicalJson.readList(json)) {
      out.add(Citation.fromMap(m));
    }
    return out;
  }

  private static List<Map<String, Object>> citationMaps(List<Citation> citations) {
    List<Map<String, Object>> l = new ArrayList<>();
    citations.forEach(c -> l.add(c.toMap()));
    return l;
  }

  /** This package as stored version {@code v}. */
  public ContextPackage asVersion(int v, String build, Instant at) {
    return new ContextPackage(
        name,
        topic,
        v,
        query,
        text,
        citations,
        tokenCount,
        retrieved,
        duplicatesDropped,
        contentHash,
        specJson,
        specHash,
        sourceCollection,
        sourceField,
        sourceSnapshotId,
        model,
        tokenizer,
        build,
        at);
  }

  /** A JSON-ready map: what {@code get_context} returns. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("topic", topic);
    m.put("version", version);
    m.put("query", query);
    m.put("text", text);
    m.put("citations", citationMaps(citations));
    m.put("token_count", tokenCount);
    m.put("retrieved", retrieved);
    m.put("duplicates_dropped", duplicatesDropped);
    m.put("content_hash", contentHash);
    m.put("spec_hash", specHash);
    m.put("spec", CanonicalJson.readObject(specJson));
    m.put("source_collection", sourceCollection);
    m.put("source_field", sourceField);
    m.put("source_snapshot_id", sourceSnapshotId);
    m.put("model", model);
    m.put("tokenizer", tokenizer);
    m.put("build_id", buildId);
    m.put("built_at", builtAt == null ? null : builtAt.toString());
    return m;
  }
}
