package io.lakebeam.cli;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.index.SearchHit;
import io.lakebeam.core.index.SearchRequest;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.VectorField;
import io.lakebeam.embeddings.ModelSpec;
import io.lakebeam.embeddings.Models;
import io.lakebeam.embeddings.OnnxTextEmbedder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lakebeam search}: a vector or text query against a collection, printed as JSON lines. */
@Command(
    name = "search",
    description = "Search a collection with a vector or a text (embedded with the field's model).")
final class SearchCommand implements Callable<Integer> {
  @Mixin LakehouseOption lakehouse;

  @Parameters(paramLabel = "COLLECTION")
  String collection;

  @Option(names = "--vector", description = "Comma-separated floats")
  String vector;

  @Option(
      names = "--text",
      description = "Text to embed (all-MiniLM-L6-v2 unless the field records another model)")
  String text;

  @Option(names = "--field")
  String field;

  @Option(
      names = "--query-type",
      defaultValue = "vector",
      description =
          "vector (embed --text or take --vector) or text (BM25 over the field's text index, Lucene"
              + " query syntax: \"phrases\", +must, -must_not, AND/OR) (default: ${DEFAULT-VALUE})")
  String queryType;

  @Option(
      names = {"--top-k", "-k"},
      defaultValue = "10")
  int topK;

  @Option(names = "--ef", defaultValue = "0")
  int ef;

  @Option(names = "--filter")
  String filter;

  @Option(names = "--output-fields", split = ",", description = "Columns to print with each hit")
  List<String> outputFields = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    try (Lakehouse lake = lakehouse.open()) {
      Collection c = lake.collection(collection);
      c.checkColumns(outputFields);
      List<SearchHit> hits;
      if (TextIndexOptions.isTextQuery(queryType)) {
        hits = TextIndexOptions.search(lake, c, field, text, vector, topK, filter);
      } else {
        VectorField vf = c.vectorField(field);
        float[] q = query(vf);
        hits =
            lake.indexes()
                .search(c, new SearchRequest(vf.name(), new float[][] {q}, topK, ef, filter))
                .get(0);
      }
      for (Map<String, Object> row : rows(lake, c, hits, outputFields)) {
        Printer.json(row);
      }
    }
    return 0;
  }

  private float[] query(VectorField vf) {
    if ((vector == null) == (text == null)) {
      throw LakebeamException.invalid("Cannot search: pass exactly one of --vector or --text");
    }
    if (vector != null) {
      String[] parts = vector.split(",");
      float[] q = new float[parts.length];
      for (int i = 0; i < parts.length; i++) {
        try {
          q[i] = Float.parseFloat(parts[i].trim());
        } catch (NumberFormatException e) {
          throw LakebeamException.invalid(
              "Cannot parse --vector element %d ('%s') as a number", i, parts[i]);
        }
      }
      return q;
    }
    ModelSpec model = vf.model() == null ? Models.ALL_MINILM_L6_V2 : Models.find(vf.model());
    if (model == null) {
      throw LakebeamException.invalid(
          "Cannot embed --text for '%s': its model %s is not built in; pass --vector",
          vf.name(), vf.model());
    }
    return OnnxTextEmbedder.load(model).embed(text);
  }

  static List<Map<String, Object>> rows(
      Lakehouse lake, Collection c, List<SearchHit> hits, List<String> outputs) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (SearchHit h : hits) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("_score", h.score());
      row.put("_distance", h.distance());
      row.put("_file", h.file());
      row.put("_pos", h.pos());
      if (!outputs.isEmpty()) {
        Map<String, Object> cols =
            lake.indexes().columnCache().columns(c.table(), h.file(), outputs);
        for (String o : outputs) {
          row.put(o, ((Object[]) cols.get(o))[(int) h.pos()]);
        }
      }
      out.add(row);
    }
    return out;
  }
}
