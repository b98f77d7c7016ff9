package io.lakebeam.core.eval;

import io.lakebeam.core.LakebeamException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Parses system specs: {@code vector:FIELD} (a vector index), {@code bm25:FIELD} (a BM25 text
 * index) and {@code hybrid:FIELD+FIELD[+...]} (every named field as a leg, fused).
 *
 * <pre>{@code
 * List<RetrievalSystem> systems =
 *     RetrievalSystems.parseAll(List.of("bm25:text", "vector:embedding", "hybrid:text+embedding"),
 *         encoder);
 * }</pre>
 */
public final class RetrievalSystems {
  /** The kinds of system a spec may name. */
  public static final List<String> KINDS = List.of("vector", "bm25", "hybrid");

  private RetrievalSystems() {}

  /** Parses one spec. */
  public static RetrievalSystem parse(String spec, QueryEncoder encoder) {
    String s = spec == null ? "" : spec.trim();
    int colon = s.indexOf(':');
    if (colon <= 0 || colon == s.length() - 1) {
      throw LakebeamException.invalid(
          "Cannot parse system '%s': write KIND:FIELD with KIND one of %s, e.g. vector:embedding,"
              + " bm25:text or hybrid:text+embedding",
          spec, KINDS);
    }
    String kind = s.substring(0, colon);
    String fields = s.substring(colon + 1);
    return switch (kind) {
      case "vector" -> new VectorSystem(single(spec, fields), encoder);
      case "bm25" -> textSystem(spec, single(spec, fields));
      case "hybrid" -> hybridSystem(spec, legs(spec, fields), encoder);
      default ->
          throw LakebeamException.invalid(
              "Cannot parse system '%s': unknown kind '%s'; use one of %s", spec, kind, KINDS);
    };
  }

  /** Parses every spec; a spec named twice is evaluated once. */
  public static List<RetrievalSystem> parseAll(List<String> specs, QueryEncoder encoder) {
    List<RetrievalSystem> out = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    for (String spec : specs) {
      RetrievalSystem system = parse(spec, encoder);
      if (!seen.contains(system.name())) {
        seen.add(system.name());
        out.add(system);
      }
    }
    if (out.isEmpty()) {
      throw LakebeamException.invalid(
          "Cannot evaluate without systems: name at least one, e.g. vector:embedding");
    }
    return out;
  }

  private static String single(String spec, String fields) {
    if (fields.contains("+") || fields.isBlank()) {
      throw LakebeamException.invalid(
          "Cannot parse system '%s': it searches one field; fuse several with hybrid:%s",
          spec, fields);
    }
    return fields;
  }

  private static List<String> legs(String spec, String fields) {
    List<String> legs = Arrays.stream(fields.split("\\+", -1)).map(String::trim).toList();
    if (legs.size() < 2 || legs.stream().anyMatch(String::isEmpty)) {
      throw LakebeamException.invalid(
          "Cannot parse system '%s': a hybrid fuses two or more fields joined by '+', e.g."
              + " hybrid:text+embedding",
          spec);
    }
    return legs;
  }

  private static RetrievalSystem textSystem(String spec, String field) {
    return new Bm25System(field);
  }

  private static RetrievalSystem hybridSystem(
      String spec, List<String> fields, QueryEncoder encoder) {
    return new HybridSystem(fields, encoder);
  }
}
