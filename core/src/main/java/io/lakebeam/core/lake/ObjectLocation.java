package io.lakebeam.core.lake;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * An object-storage location split into scheme, bucket and key segments, for comparing a source
 * with an allowed prefix component by component ({@code s3a://} and {@code s3n://} count as {@code
 * s3://}).
 *
 * <pre>{@code
 * ObjectLocation.parse("s3://lake/raw/*.parquet").literalPrefix()   // s3://lake/raw
 * }</pre>
 */
record ObjectLocation(String scheme, String bucket, List<String> segments) {

  /** Parses {@code scheme://bucket/key}; null when a segment is {@code .} or {@code ..}. */
  static ObjectLocation parse(String uri) {
    int i = uri.indexOf("://");
    String scheme = uri.substring(0, i).toLowerCase(Locale.ROOT);
    String rest = uri.substring(i + 3);
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    List<String> segments =
        slash < 0
            ? List.of()
            : Arrays.stream(rest.substring(slash + 1).split("/"))
                .filter(s -> !s.isEmpty())
                .toList();
    if (segments.contains("..") || segments.contains(".") || bucket.contains("\\")) {
      return null;
    }
    return new ObjectLocation(scheme, bucket, segments);
  }

  /** The segments before the first one that holds a glob character. */
  ObjectLocation literalPrefix() {
    if (SourceRoots.firstGlobChar(bucket) >= 0) {
      return new ObjectLocation(scheme, "", List.of());
    }
    int n = 0;
    while (n < segments.size() && SourceRoots.firstGlobChar(segments.get(n)) < 0) {
      n++;
    }
    return new ObjectLocation(scheme, bucket, segments.subList(0, n));
  }

  /** True when this location is the root or below it, segment by segment. */
  boolean isUnder(ObjectLocation root) {
    return family(scheme).equals(family(root.scheme()))
        && !bucket.isEmpty()
        && bucket.equals(root.bucket())
        && segments.size() >= root.segments().size()
        && segments.subList(0, root.segments().size()).equals(root.segments());
  }

  private static String family(String scheme) {
    return scheme.equals("s3a") || scheme.equals("s3n") ? "s3" : scheme;
  }

  @Override
  public String toString() {
    return scheme + "://" + bucket + (segments.isEmpty() ? "" : "/" + String.join("/", segments));
  }
}
