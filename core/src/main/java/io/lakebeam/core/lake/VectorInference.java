package io.lakebeam.core.lake;

import io.lakebeam.core.LakebeamException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.mapping.NameMapping;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;

/**
 * Finds the dimension of list-of-float columns that no mapping declared, from the first non-empty
 * value in the files, before the collection's table exists, so that the table is created with its
 * vector properties, its files and nothing else in one commit.
 *
 * <pre>{@code
 * VectorInference.addInferred(io, schema, mapping, dataFiles, props);  // lakebeam.vector.<col>.*
 * }</pre>
 */
final class VectorInference {
  private VectorInference() {}

  /** Adds the vector properties (metric cosine) of every undeclared vector column with data. */
  static void addInferred(
      FileIO io,
      Schema schema,
      NameMapping mapping,
      List<DataFile> files,
      Map<String, String> props) {
    Map<String, VectorField> known = VectorField.fromProperties(props);
    for (Types.NestedField f : schema.columns()) {
      if (!FieldType.isVectorCompatible(f.type()) || known.containsKey(f.name())) {
        continue;
      }
      int dim = firstDimension(io, schema.select(f.name()), mapping, files, f.name());
      if (dim > 0) {
        CollectionFactory.addVectorProperties(
            props, new VectorField(f.name(), dim, Metric.COSINE, null));
      }
    }
  }

  private static int firstDimension(
      FileIO io, Schema projection, NameMapping mapping, List<DataFile> files, String column) {
    for (DataFile file : files) {
      try (CloseableIterable<Record> rows =
          Parquet.read(io.newInputFile(file.path().toString()))
              .project(projection)
              .withNameMapping(mapping)
              .createReaderFunc(fs -> GenericParquetReaders.buildReader(projection, fs))
              .build()) {
        for (Record r : rows) {
          if (r.getField(column) instanceof List<?> list && !list.isEmpty()) {
            return list.size();
          }
        }
      } catch (IOException e) {
        throw LakebeamException.internal("Cannot read " + file.path(), e);
      }
    }
    return 0;
  }
}
