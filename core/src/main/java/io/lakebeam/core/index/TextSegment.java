package io.lakebeam.core.index;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.read.DataFileReader;
import io.lakebeam.core.read.TableState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.MMapDirectory;

/**
 * One opened text segment: a single-leaf Lucene reader over some data files and, per document, the
 * row it indexes (data file ordinal and position). Also builds segments ({@link #write}).
 *
 * <p>The reader is reference-counted ({@code incRef}/{@code decRef}): every view that searches the
 * segment holds a reference, and the last one to let go closes it.
 */
final class TextSegment {
  static final String FILE_FIELD = "_lakebeam_file";
  static final String POS_FIELD = "_lakebeam_pos";

  final String path;
  final DirectoryReader reader;
  final List<String> files;
  final int[] fileOf;
  final int[] posOf;

  private TextSegment(String path, DirectoryReader reader, List<String> files) throws IOException {
    this.path = path;
    this.reader = reader;
    this.files = List.copyOf(files);
    int n = reader.maxDoc();
    this.fileOf = new int[n];
    this.posOf = new int[n];
    if (reader.leaves().size() > 1) {
      throw new IOException(
          "a text segment must hold one Lucene segment, found " + reader.leaves().size());
    }
    for (var leaf : reader.leaves()) {
      LeafReader r = leaf.reader();
      fill(r.getNumericDocValues(FILE_FIELD), fileOf);
      fill(r.getNumericDocValues(POS_FIELD), posOf);
    }
  }

  private static void fill(NumericDocValues values, int[] into) throws IOException {
    if (values == null) {
      throw new IOException("a text segment without row doc values");
    }
    for (int d = values.nextDoc(); d != DocIdSetIterator.NO_MORE_DOCS; d = values.nextDoc()) {
      into[d] = (int) values.longValue();
    }
  }

  /** Opens a published segment, from the local disk cache when the table is remote. */
  static TextSegment open(Table table, TextIndexManifest.SegmentRef ref) {
    try {
      Path packed = IndexFiles.fetch(table.io(), ref.path());
      Path dir = TextSegmentFiles.unpack(packed, ref.path());
      DirectoryReader reader = DirectoryReader.open(new MMapDirectory(dir));
      return new TextSegment(ref.path(), reader, ref.files());
    } catch (IOException | RuntimeException e) {
      throw LakebeamException.internal("Cannot open text index segment " + ref.path(), e);
    }
  }

  /** Opens an unpublished segment (the rows the manifest does not cover yet) over a directory. */
  static TextSegment open(Directory dir, List<String> files) throws IOException {
    return new TextSegment(null, DirectoryReader.open(dir), files);
  }

  /** Rows written by {@link #write}, and rows left out because their text was null. */
  record Written(long rows, long nulls) {}

  /**
   * Indexes the live rows of {@code files} into {@code dir} as one Lucene segment (merged down to
   * one, so document ids are a single leaf). Rows with a null text are left out.
   */
  static Written write(
      Directory dir,
      Table table,
      TableState state,
      List<String> files,
      String field,
      Analyzer analyzer,
      ExactBm25Similarity similarity)
      throws IOException {
    IndexWriterConfig config =
        new IndexWriterConfig(analyzer)
            .setSimilarity(similarity)
            .setOpenMode(IndexWriterConfig.OpenMode.CREATE)
            .setRAMBufferSizeMB(128)
            .setUseCompoundFile(true)
            .setCommitOnClose(true);
    long rows = 0;
    long nulls = 0;
    try (IndexWriter writer = new IndexWriter(dir, config)) {
      var projection = table.schema().select(field);
      for (int f = 0; f < files.size(); f++) {
        String file = files.get(f);
        BitSet deleted = state.deletedPositions(file);
        int pos = 0;
        try (CloseableIterable<Record> it = DataFileReader.read(table, file, projection)) {
          for (Record r : it) {
            Object text = r.get(0);
            if (deleted == null || !deleted.get(pos)) {
              if (text == null) {
                nulls++;
              } else {
                Document doc = new Document();
                doc.add(new TextField(field, text.toString(), Field.Store.NO));
                doc.add(new NumericDocValuesField(FILE_FIELD, f));
                doc.add(new NumericDocValuesField(POS_FIELD, pos));
                writer.addDocument(doc);
                rows++;
              }
            }
            pos++;
          }
        }
      }
      writer.forceMerge(1);
    }
    return new Written(rows, nulls);
  }

  List<String> filesList() {
    return new ArrayList<>(files);
  }
}
