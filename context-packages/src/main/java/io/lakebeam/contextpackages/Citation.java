package io.lakebeam.contextpackages;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where one passage of a package comes from: the reference number used in the package text ({@code
 * [ref]}), the document and the chunk's character range in it, and the search similarity.
 *
 * @param ref the number the passage carries in the text, from 1
 * @param docId the document id, or null when the source has no {@code doc_id} column
 * @param uri the document URI (the source's uri column)
 * @param ordinal the chunk's position in its document, or null
 * @param charStart the chunk's first character in the document text, or null
 * @param charEnd the character after the chunk, or null
 * @param score cosine similarity to the query, rounded to 4 decimals
 */
public record Citation(
    int ref,
    String docId,
    String uri,
    Integer ordinal,
    Integer charStart,
    Integer charEnd,
    double score) {

  /** The chunk's identity across versions: document and character range. */
  public String chunkKey() {
    return uri
        + "#"
        + (charStart == null ? "?" : charStart)
        + "-"
        + (charEnd == null ? "?" : charEnd)
        + (ordinal == null ? "" : "@" + ordinal);
  }

  /** A JSON-ready map with a fixed key order (part of the package's content hash). */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ref", ref);
    m.put("doc_id", docId);
    m.put("uri", uri);
    m.put("ordinal", ordinal);
    m.put("char_start", charStart);
    m.put("char_end", charEnd);
    m.put("score", score);
    return m;
  }

  static Citation fromMap(Map<?, ?> m) {
    return new Citation(
        ((Number) m.get("ref")).intValue(),
        (String) m.get("doc_id"),
        (String) m.get("uri"),
        m.get("ordinal") == null ? null : ((Number) m.get("ordinal")).intValue(),
        m.get("char_start") == null ? null : ((Number) m.get("char_start")).intValue(),
        m.get("char_end") == null ? null : ((Number) m.get("char_end")).intValue(),
        ((Number) m.get("score")).doubleValue());
  }
}
