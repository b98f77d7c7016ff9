package io.lakebeam.multimodal.documents;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.tika.metadata.Metadata;

/**
 * Picks the few metadata keys worth storing beside a document's text out of the hundreds Tika
 * reports, and bounds their size: a fixed set of keys, at most {@link #MAX_VALUES} values joined
 * with {@code "; "}, at most {@link #MAX_VALUE_CHARS} characters each.
 */
final class MetadataSelection {

  static final int MAX_VALUES = 20;
  static final int MAX_VALUE_CHARS = 1_000;
  static final String PAGES = "pages";

  /** Output key, then the Tika keys it is taken from (first present wins). */
  private static final Map<String, List<String>> KEYS = keys();

  private MetadataSelection() {}

  static Map<String, String> select(Metadata metadata) {
    Map<String, String> selected = new TreeMap<>();
    KEYS.forEach(
        (key, sources) -> {
          for (String source : sources) {
            String value = join(metadata.getValues(source));
            if (value != null) {
              selected.put(key, value);
              return;
            }
          }
        });
    return selected;
  }

  /** The document's title, or null. */
  static String title(Metadata metadata) {
    return join(metadata.getValues("dc:title"));
  }

  /** The language the document declares, or null. */
  static String declaredLanguage(Metadata metadata) {
    for (String key : List.of("dc:language", "Content-Language")) {
      String value = metadata.get(key);
      if (value != null && !value.isBlank() && value.strip().length() <= 35) {
        return value.strip();
      }
    }
    return null;
  }

  private static String join(String[] values) {
    StringBuilder joined = new StringBuilder();
    int count = 0;
    for (String value : values) {
      if (value == null || value.isBlank() || count == MAX_VALUES) {
        continue;
      }
      if (count++ > 0) {
        joined.append("; ");
      }
      joined.append(value.strip());
    }
    if (joined.isEmpty()) {
      return null;
    }
    if (joined.length() <= MAX_VALUE_CHARS) {
      return joined.toString();
    }
    int end = MAX_VALUE_CHARS;
    if (Character.isHighSurrogate(joined.charAt(end - 1))) {
      end--; // never end on half a surrogate pair
    }
    return joined.substring(0, end);
  }

  private static Map<String, List<String>> keys() {
    Map<String, List<String>> keys = new LinkedHashMap<>();
    for (String key :
        List.of(
            "dc:title",
            "dc:creator",
            "dc:subject",
            "dc:description",
            "dc:language",
            "dc:publisher",
            "dcterms:created",
            "dcterms:modified",
            "Content-Type",
            "Content-Encoding",
            "Content-Language",
            "meta:last-author",
            "meta:word-count",
            "pdf:PDFVersion",
            "pdf:producer",
            "xmp:CreatorTool",
            "extended-properties:Application",
            "Message-From",
            "Message-To",
            "Message-Cc")) {
      keys.put(key, List.of(key));
    }
    keys.put(PAGES, List.of("xmpTPg:NPages", "meta:page-count"));
    return keys;
  }
}
