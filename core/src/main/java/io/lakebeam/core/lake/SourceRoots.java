package io.lakebeam.core.lake;

import io.lakebeam.core.LakebeamException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The directories and object-storage prefixes that external collections may read, configured by the
 * operator; every source a client names is canonicalised and checked against them before anything
 * is listed or read. The default is the lakehouse's own warehouse.
 *
 * <pre>{@code
 * SourceRoots roots = SourceRoots.of(List.of("/data", "s3://lake/raw"));
 * String src = roots.check("/data/docs/../docs/*.parquet");   // "/data/docs/*.parquet"
 * roots.check("/etc/passwd");                                 // INVALID_ARGUMENT, says nothing more
 * }</pre>
 *
 * <p>Local roots are compared by their real path (symbolic links resolved), so a link inside a root
 * that points outside it is refused, and so is every listed file whose real path leaves the roots.
 * The refusal names only the source the caller gave, never a file's size, bytes or existence.
 */
public final class SourceRoots {
  private record LocalRoot(Path lexical, Path real) {}

  private final List<LocalRoot> local;
  private final List<ObjectLocation> objects;
  private final List<String> display;

  private SourceRoots(List<LocalRoot> local, List<ObjectLocation> objects, List<String> display) {
    this.local = List.copyOf(local);
    this.objects = List.copyOf(objects);
    this.display = List.copyOf(display);
  }

  /** Roots from locations: local directories ({@code /data}, {@code file:/data}) or prefixes. */
  public static SourceRoots of(List<String> roots) {
    List<LocalRoot> local = new ArrayList<>();
    List<ObjectLocation> objects = new ArrayList<>();
    List<String> display = new ArrayList<>();
    for (String raw : roots) {
      String root = raw == null ? "" : raw.trim();
      if (root.isEmpty()) {
        continue;
      }
      if (isObjectUri(root)) {
        ObjectLocation o = ObjectLocation.parse(root);
        if (o == null || o.bucket().isEmpty()) {
          throw LakebeamException.invalid(
              "Cannot allow source root '%s': write s3://bucket/prefix, without '..' or globs",
              root);
        }
        objects.add(o);
        display.add(o.toString());
        continue;
      }
      Path lexical = Paths.get(stripFileScheme(root)).toAbsolutePath().normalize();
      if (lexical.getParent() == null || firstGlobChar(root) >= 0) {
        throw LakebeamException.invalid(
            "Cannot allow source root '%s': name a directory other than '/', without globs", root);
      }
      local.add(new LocalRoot(lexical, realPathOrSelf(lexical)));
      display.add(lexical.toString());
    }
    return new SourceRoots(local, objects, display);
  }

  /** The roots, as configured and normalised. */
  public List<String> roots() {
    return display;
  }

  /**
   * Canonicalises a source (strips {@code file:}, resolves {@code .} and {@code ..}, resolves
   * symbolic links of its directory) and returns it, or refuses a source outside every root.
   */
  public String check(String src) {
    if (src == null || src.isBlank()) {
      throw LakebeamException.invalid("Cannot register files: 'src' is empty");
    }
    if (isObjectUri(src)) {
      ObjectLocation o = ObjectLocation.parse(src);
      if (o == null || !underObjectRoot(o.literalPrefix())) {
        throw refused(src);
      }
      return o.toString() + (src.endsWith("/") && !o.segments().isEmpty() ? "/" : "");
    }
    String s = stripFileScheme(src);
    int glob = firstGlobChar(s);
    int slash = glob < 0 ? s.length() : s.lastIndexOf('/', glob);
    String literal = slash < 0 ? "." : slash == 0 ? "/" : s.substring(0, slash);
    String pattern = glob < 0 ? "" : s.substring(slash + 1);
    if (Arrays.asList(pattern.split("/")).contains("..")) {
      throw refused(src);
    }
    Path base = Paths.get(literal).toAbsolutePath().normalize();
    if (!underLocalRoot(base, false) || !underLocalRoot(realPathOrSelf(base), true)) {
      throw refused(src);
    }
    return pattern.isEmpty() ? base.toString() : base + "/" + pattern;
  }

  /**
   * True when a listed file's real location is under a root; a file that is not (a link leading out
   * of a root, an object under a sibling prefix) is left out of the listing, unread.
   */
  public boolean allows(String file) {
    if (isObjectUri(file)) {
      ObjectLocation o = ObjectLocation.parse(file);
      return o != null && underObjectRoot(o);
    }
    return underLocalRoot(realPathOrSelf(Paths.get(stripFileScheme(file))), true);
  }

  /** Checks a source, lists its Parquet files and keeps those under a root. */
  List<String> resolve(org.apache.iceberg.io.FileIO io, String src) {
    List<String> files =
        ExternalFiles.resolve(io, check(src)).stream().filter(this::allows).toList();
    if (files.isEmpty()) {
      throw LakebeamException.invalid(
          "Cannot list '%s': no file matches it; check the path and the glob (e.g."
              + " /data/docs/*.parquet)",
          src);
    }
    return files;
  }

  private boolean underLocalRoot(Path p, boolean real) {
    for (LocalRoot r : local) {
      if (p.startsWith(r.real()) || (!real && p.startsWith(r.lexical()))) {
        return true;
      }
    }
    return false;
  }

  private boolean underObjectRoot(ObjectLocation prefix) {
    return objects.stream().anyMatch(prefix::isUnder);
  }

  private static LakebeamException refused(String src) {
    return LakebeamException.invalid(
        "Cannot register '%s': it is not under a source root this server allows; the operator can"
            + " allow a directory or s3:// prefix with 'lakebeam serve --allow-source'",
        src);
  }

  static boolean isObjectUri(String s) {
    return s.contains("://") && !s.startsWith("file:");
  }

  static String stripFileScheme(String s) {
    if (s.startsWith("file://")) {
      return s.substring("file://".length());
    }
    return s.startsWith("file:") ? s.substring("file:".length()) : s;
  }

  static int firstGlobChar(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == '{') {
        return i;
      }
    }
    return -1;
  }

  /** The real path of the nearest existing ancestor, with the rest of the path appended. */
  private static Path realPathOrSelf(Path p) {
    Path existing = p;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return p;
    }
    try {
      return existing.toRealPath().resolve(existing.relativize(p)).normalize();
    } catch (IOException e) {
      return p;
    }
  }
}
