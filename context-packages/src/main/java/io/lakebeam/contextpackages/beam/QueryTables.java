package io.lakebeam.contextpackages.beam;

import io.lakebeam.contextpackages.ContextSpec;
import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.read.LiveRows;
import io.lakebeam.core.read.TableState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.iceberg.data.Record;

/** The queries of a build: the spec's own list, or the rows of its query table. */
final class QueryTables {
  private QueryTables() {}

  static List<ContextSpec.Query> queries(Lakehouse lake, ContextSpec spec) {
    if (spec.queryTable() == null) {
      return spec.queries();
    }
    ContextSpec.QueryTable qt = spec.queryTable();
    String what = "Cannot build context package '" + spec.name() + "'";
    Collection c;
    try {
      c = lake.collection(qt.collection()).refreshMetadata();
    } catch (LakebeamException e) {
      throw new LakebeamException(
          e.kind(),
          what
              + ": query_table '"
              + qt.collection()
              + "' does not exist; existing"
              + " collections: "
              + lake.listCollections());
    }
    try {
      c.checkColumns(List.of(qt.topicColumn(), qt.textColumn()));
    } catch (LakebeamException e) {
      throw LakebeamException.invalid("%s: query_table %s", what, e.getMessage());
    }
    List<Record> rows =
        LiveRows.readAll(
            c.table(),
            TableState.of(c.table()),
            c.schema().select(qt.topicColumn(), qt.textColumn()));
    List<ContextSpec.Query> out = new ArrayList<>();
    Set<String> topics = new HashSet<>();
    for (Record r : rows) {
      Object topic = r.getField(qt.topicColumn());
      Object text = r.getField(qt.textColumn());
      if (topic == null || text == null || text.toString().isBlank()) {
        throw LakebeamException.invalid(
            "%s: query_table '%s' has a row with an empty %s or %s (%s); every row needs both",
            what, qt.collection(), qt.topicColumn(), qt.textColumn(), r);
      }
      if (!topics.add(topic.toString())) {
        throw LakebeamException.invalid(
            "%s: topic '%s' appears twice in query_table '%s'; topics must be unique",
            what, topic, qt.collection());
      }
      out.add(new ContextSpec.Query(topic.toString(), text.toString()));
    }
    if (out.isEmpty()) {
      throw LakebeamException.invalid(
          "%s: query_table '%s' has no rows; add queries first", what, qt.collection());
    }
    out.sort(java.util.Comparator.comparing(ContextSpec.Query::topic));
    return out;
  }
}
