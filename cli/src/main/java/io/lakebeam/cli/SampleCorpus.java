package io.lakebeam.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Real English passages from the documentation every Debian system installs: the licence texts in
 * {@code /usr/share/common-licenses} and the {@code copyright} and README files under {@code
 * /usr/share/doc}. Passages are paragraphs of 20 to 200 words, de-duplicated, in a stable order.
 */
final class SampleCorpus {
  /** One passage and the file it came from. */
  record Passage(String text, String source) {}

  private SampleCorpus() {}

  static List<Passage> load(int max) throws IOException {
    List<Path> files = new ArrayList<>();
    for (String root : List.of("/usr/share/common-licenses", "/usr/share/doc")) {
      Path p = Paths.get(root);
      if (!Files.isDirectory(p)) {
        continue;
      }
      try (Stream<Path> s = Files.walk(p, 3)) {
        s.filter(Files::isRegularFile)
            .filter(
                f -> {
                  String n = f.getFileName().toString();
                  return root.endsWith("licenses")
                      || n.equals("copyright")
                      || n.startsWith("README");
                })
            .filter(f -> !f.getFileName().toString().endsWith(".gz"))
            .sorted()
            .forEach(files::add);
      }
    }
    Set<String> seen = new LinkedHashSet<>();
    List<Passage> out = new ArrayList<>();
    for (Path f : files) {
      String content;
      try {
        content = Files.readString(f, StandardCharsets.UTF_8);
      } catch (IOException | RuntimeException e) {
        continue; // not UTF-8 text
      }
      for (String para : content.split("\\n\\s*\\n")) {
        String text = para.replaceAll("\\s+", " ").trim();
        int words = text.isEmpty() ? 0 : text.split(" ").length;
        if (words < 20 || words > 200 || !seen.add(text)) {
          continue;
        }
        out.add(new Passage(text, f.toString()));
        if (out.size() >= max) {
          return out;
        }
      }
    }
    return out;
  }
}
