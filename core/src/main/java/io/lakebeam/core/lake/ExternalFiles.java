package io.lakebeam.core.lake;

import io.lakebeam.core.LakebeamException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.SupportsPrefixOperations;
import org.apache.iceberg.mapping.NameMapping;
import org.apache.iceberg.parquet.ParquetSchemaUtil;
import org.apache.iceberg.parquet.ParquetUtil;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;

/**
 * Finds the Parquet files a source pattern names and turns each into an Iceberg {@link DataFile}
 * with metrics from its footer, without copying it. A file that is not Parquet, or whose columns do
 * not fit the collection's schema, is rejected with the reason instead.
 *
 * <p>Patterns: a file, a directory (every {@code *.parquet} below it), or a glob such as {@code
 * /data/docs/*.parquet} or {@code s3://bucket/docs/**.parquet}.
 */
public final class ExternalFiles {
  private ExternalFiles() {}

  /**
   * Why a file that is not Parquet is left out: nothing more, so that no error shows a file's size
   * or bytes.
   */
  static final String NOT_PARQUET = "not a Parquet file";

  /** A file left out, and why. */
  public record Rejected(String file, String reason) {}

  /** What a registration or refresh did. */
  public record Result(
      String collection, int addedFiles, int removedFiles, long rows, List<Rejected> rejected) {}

  /** Lists the Parquet files that a pattern names, sorted, as absolute locations. */
  public static List<String> resolve(FileIO io, String src) {
    return list(io, src, "**.parquet");
  }

  /**
   * Lists the files that a pattern names ({@code /dir}, {@code /dir/**.pdf}, {@code
   * s3://bucket/raw/**}), sorted, as absolute locations; a plain directory lists the files under it
   * that match {@code directoryGlob} (e.g. {@code **} for all). Hidden files are skipped.
   */
  public static List<String> list(FileIO io, String src, String directoryGlob) {
    if (src == null || src.isBlank()) {
      throw LakebeamException.invalid("Cannot register files: 'src' is empty");
    }
    List<String> files =
        src.contains("://") && !src.startsWith("file:")
            ? resolveObjects(io, src)
            : resolveLocal(src, directoryGlob);
    if (files.isEmpty()) {
      throw LakebeamException.invalid(
          "Cannot list '%s': no file matches it; check the path and the glob (e.g."
              + " /data/docs/*.parquet)",
          src);
    }
    return files;
  }

  private static List<String> resolveLocal(String src, String directoryGlob) {
    String s = src.startsWith("file://") ? src.substring("file://".length()) : src;
    int glob = firstGlobChar(s);
    if (glob < 0) {
      Path p = Paths.get(s).toAbsolutePath().normalize();
      if (Files.isRegularFile(p)) {
        return List.of(p.toString());
      }
      if (!Files.isDirectory(p)) {
        throw LakebeamException.invalid("Cannot list '%s': no such file or directory", src);
      }
      return walk(p, p.getFileSystem().getPathMatcher("glob:" + directoryGlob));
    }
    int slash = s.lastIndexOf('/', glob);
    Path base =
        Paths.get(slash < 0 ? "." : s.substring(0, Math.max(slash, 1)))
            .toAbsolutePath()
            .normalize();
    if (!Files.isDirectory(base)) {
      throw LakebeamException.invalid("Cannot list '%s': directory %s does not exist", src, base);
    }
    String pattern = base + "/" + s.substring(slash + 1);
    return walk(base, FileSystems.getDefault().getPathMatcher("glob:" + pattern));
  }

  private static List<String> walk(Path base, PathMatcher matcher) {
    try (Stream<Path> paths = Files.walk(base)) {
      return paths
          .filter(Files::isRegularFile)
          .filter(p -> matcher.matches(p.toAbsolutePath()))
          .filter(p -> !p.getFileName().toString().startsWith("."))
          .map(p -> p.toAbsolutePath().toString())
          .sorted()
          .toList();
    } catch (IOException e) {
      throw LakebeamException.invalid("Cannot list %s: %s", base, e.getMessage());
    }
  }

  private static List<String> resolveObjects(FileIO io, String src) {
    if (!(io instanceof SupportsPrefixOperations prefixOps)) {
      throw LakebeamException.invalid("Cannot list '%s': the FileIO cannot list prefixes", src);
    }
    int glob = firstGlobChar(src);
    String prefix = glob < 0 ? src : src.substring(0, src.lastIndexOf('/', glob) + 1);
    PathMatcher matcher =
        glob < 0 ? p -> true : FileSystems.getDefault().getPathMatcher("glob:" + stripScheme(src));
    List<String> files = new ArrayList<>();
    try {
      for (FileInfo info : prefixOps.listPrefix(prefix)) {
        String loc = info.location();
        if (matcher.matches(Paths.get(stripScheme(loc)))) {
          files.add(loc);
        }
      }
    } catch (RuntimeException e) {
      throw LakebeamException.invalid("Cannot list '%s': %s", prefix, e.getMessage());
    }
    files.sort(String::compareTo);
    return files;
  }

  private static String stripScheme(String uri) {
    int i = uri.indexOf("://");
    return "/" + uri.substring(i + 3);
  }

  private static int firstGlobChar(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == '{') {
        return i;
      }
    }
    return -1;
  }

  /** Reads the Iceberg schema of a Parquet file (fresh ids when the file has none). */
  static Schema schemaOf(FileIO io, String file) throws IOException {
    ParquetMetadata footer = ParquetFooter.read(io.newInputFile(file));
    return ParquetSchemaUtil.convert(footer.getFileMetaData().getSchema());
  }

  /**
   * Turns a file into a data file of a table with the given schema, or explains why it does not
   * fit. Required columns (declared in the mapping, and vectors) must be present with a compatible
   * type; other columns may be missing and read as null.
   */
  static Object toDataFile(
      FileIO io,
      String file,
      Schema tableSchema,
      List<String> requiredColumns,
      NameMapping mapping,
      MetricsConfig metricsConfig) {
    InputFile in = io.newInputFile(file);
    ParquetMetadata footer;
    try {
      footer = ParquetFooter.read(in);
    } catch (IOException | RuntimeException e) {
      return new Rejected(file, NOT_PARQUET);
    }
    Schema fileSchema = ParquetSchemaUtil.convert(footer.getFileMetaData().getSchema());
    for (Types.NestedField field : tableSchema.columns()) {
      Types.NestedField actual = fileSchema.findField(field.name());
      if (actual == null) {
        if (requiredColumns.contains(field.name())) {
          return new Rejected(file, "column '" + field.name() + "' is missing");
        }
        continue;
      }
      if (!compatible(field.type(), actual.type())) {
        return new Rejected(
            file,
            String.format(
                "column '%s' is %s, but the collection expects %s",
                field.name(), actual.type(), field.type()));
      }
    }
    try {
      return DataFiles.builder(PartitionSpec.unpartitioned())
          .withPath(file)
          .withFormat(FileFormat.PARQUET)
          .withFileSizeInBytes(in.getLength())
          .withMetrics(ParquetUtil.fileMetrics(in, metricsConfig, mapping))
          .withSplitOffsets(ParquetUtil.getSplitOffsets(footer))
          .build();
    } catch (RuntimeException e) {
      return new Rejected(file, "cannot read its metrics (" + firstLine(e) + ")");
    }
  }

  /**
   * Fails when an external file no longer has the size it was registered with (it was overwritten
   * in place), instead of reading rows that do not match the table's metadata.
   *
   * <pre>{@code
   * ExternalFiles.checkUnchanged(lake.io(), dataFile, "docs");
   * }</pre>
   */
  public static void checkUnchanged(FileIO io, DataFile file, String collection) {
    String path = file.path().toString();
    long now;
    try {
      now = io.newInputFile(path).getLength();
    } catch (RuntimeException e) {
      now = -1;
    }
    if (now != file.fileSizeInBytes()) {
      throw changed(path, collection);
    }
  }

  /**
   * {@link #checkUnchanged} for the local files among {@code paths} (a stat each, cheap enough for
   * every search); object-storage files are checked on refresh and on batch reads only.
   */
  public static void checkLocalUnchanged(
      Map<String, DataFile> registered, java.util.Collection<String> paths, String collection) {
    for (String path : paths) {
      DataFile file = registered.get(path);
      if (file == null || SourceRoots.isObjectUri(path)) {
        continue;
      }
      long now;
      try {
        now = Files.size(Paths.get(SourceRoots.stripFileScheme(path)));
      } catch (IOException e) {
        now = -1;
      }
      if (now != file.fileSizeInBytes()) {
        throw changed(path, collection);
      }
    }
  }

  private static LakebeamException changed(String path, String collection) {
    return LakebeamException.invalid(
        "Cannot read %s: it changed or disappeared since it was registered; refresh '%s' to"
            + " register it again",
        path, collection);
  }

  static boolean compatible(Type expected, Type actual) {
    if (expected.isListType() && actual.isListType()) {
      return compatible(expected.asListType().elementType(), actual.asListType().elementType());
    }
    if (expected.isPrimitiveType() && actual.isPrimitiveType()) {
      if (expected.typeId() == actual.typeId()) {
        return true;
      }
      return org.apache.iceberg.types.TypeUtil.isPromotionAllowed(
          actual.asPrimitiveType(), expected.asPrimitiveType());
    }
    if (expected.isStructType() && actual.isStructType()) {
      // by name, not field id: the files carry no ids, the table assigned its own
      List<Types.NestedField> want = expected.asStructType().fields();
      List<Types.NestedField> have = actual.asStructType().fields();
      if (want.size() != have.size()) {
        return false;
      }
      for (int i = 0; i < want.size(); i++) {
        if (!want.get(i).name().equals(have.get(i).name())
            || !compatible(want.get(i).type(), have.get(i).type())) {
          return false;
        }
      }
      return true;
    }
    if (expected.isMapType() && actual.isMapType()) {
      return compatible(expected.asMapType().keyType(), actual.asMapType().keyType())
          && compatible(expected.asMapType().valueType(), actual.asMapType().valueType());
    }
    return expected.equals(actual);
  }

  static String firstLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
