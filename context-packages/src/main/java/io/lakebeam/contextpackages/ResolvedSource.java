package io.lakebeam.contextpackages;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.VectorField;
import io.lakebeam.embeddings.ModelSpec;
import io.lakebeam.embeddings.Models;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.types.Types;

/**
 * A spec's source checked against the lakehouse and pinned: the collection and vector field exist,
 * the text and URI columns exist, the snapshot (the latest one for {@code snapshot: latest}) still
 * exists, and the query model (the one recorded beside the field) can be loaded. Serializable, so
 * pipeline workers get exactly what the launcher resolved.
 *
 * <pre>{@code
 * ResolvedSource src = ResolvedSource.resolve(lake, spec);
 * src.snapshotId(); // what every package of this build is retrieved from
 * }</pre>
 *
 * @param model the query embedding model, {@code name@version}
 * @param tokenizer the model whose tokenizer counts the budget, {@code name@version}
 * @param optionalColumns which of doc_id, ordinal, char_start, char_end the source has
 */
public record ResolvedSource(
    String collection,
    String field,
    long snapshotId,
    String model,
    String tokenizer,
    String textColumn,
    String uriColumn,
    List<String> optionalColumns)
    implements Serializable {
  /** Citation columns used when the source has them (the chunks table layout). */
  static final List<String> CITATION_COLUMNS =
      List.of("doc_id", "ordinal", "char_start", "char_end");

  /** Resolves {@code spec}'s source at its pinned snapshot, or the latest one. */
  public static ResolvedSource resolve(Lakehouse lake, ContextSpec spec) {
    return resolve(lake, spec, spec.source().snapshot(), spec.source().model());
  }

  /** Resolves at {@code snapshot} (null: latest) with {@code pinnedModel} (null: the field's). */
  static ResolvedSource resolve(
      Lakehouse lake, ContextSpec spec, Long snapshot, String pinnedModel) {
    String what = "Cannot build context package '" + spec.name() + "'";
    ContextSpec.Source s = spec.source();
    Collection c;
    try {
      c = lake.collection(s.collection()).refreshMetadata();
    } catch (LakebeamException e) {
      throw new LakebeamException(
          e.kind(),
          what
              + ": source collection '"
              + s.collection()
              + "' does not exist; "
              + "existing collections: "
              + lake.listCollections()
              + ". Fix source.collection");
    }
    VectorField field;
    try {
      field = c.vectorField(s.field());
    } catch (LakebeamException e) {
      throw new LakebeamException(
          e.kind(),
          what
              + ": source field '"
              + s.field()
              + "' is not a vector field of '"
              + s.collection()
              + "'; its vector fields are "
              + c.vectorFields().keySet()
              + ". Fix source.field");
    }
    List<String> missing = new ArrayList<>();
    for (String col : List.of(s.textColumn(), s.uriColumn())) {
      if (c.schema().findField(col) == null) {
        missing.add(col);
      }
    }
    if (spec.rerank().method() == ContextSpec.RerankMethod.FIELD) {
      Types.NestedField f = c.schema().findField(spec.rerank().field());
      if (f == null
          || !f.type().isPrimitiveType()
          || !(f.type() instanceof Types.IntegerType
              || f.type() instanceof Types.LongType
              || f.type() instanceof Types.FloatType
              || f.type() instanceof Types.DoubleType)) {
        throw LakebeamException.invalid(
            "%s: rerank field '%s' is not a numeric column of '%s'; columns are %s",
            what, spec.rerank().field(), s.collection(), columnNames(c));
      }
    }
    if (!missing.isEmpty()) {
      throw LakebeamException.invalid(
          "%s: '%s' has no column %s; its columns are %s. Set source.text_column and"
              + " source.uri_column",
          what, s.collection(), missing, columnNames(c));
    }
    List<String> optional =
        CITATION_COLUMNS.stream().filter(col -> c.schema().findField(col) != null).toList();
    String model = model(what, s, field, pinnedModel);
    String tokenizer = model;
    if (spec.compress().tokenizer() != null) {
      ModelSpec t = Models.find(spec.compress().tokenizer());
      if (t == null) {
        throw LakebeamException.invalid(
            "%s: compress.tokenizer '%s' is not a model this build can load; use minilm or bge",
            what, spec.compress().tokenizer());
      }
      tokenizer = id(t);
    }
    long snapshotId = snapshot == null ? c.snapshotId() : snapshot;
    if (snapshotId < 0) {
      throw LakebeamException.invalid(
          "%s: source collection '%s' has no rows yet; ingest documents first",
          what, s.collection());
    }
    Snapshot found = c.table().snapshot(snapshotId);
    if (found == null) {
      List<Long> existing = new ArrayList<>();
      c.table().snapshots().forEach(x -> existing.add(x.snapshotId()));
      throw LakebeamException.notFound(
          "%s: snapshot %d of '%s' no longer exists (expired or never existed); the table has"
              + " snapshots %s. Pin one of them or use 'snapshot: latest' (a package pinned at an"
              + " expired snapshot cannot be rebuilt)",
          what, snapshotId, s.collection(), existing);
    }
    return new ResolvedSource(
        c.name(),
        field.name(),
        snapshotId,
        model,
        tokenizer,
        s.textColumn(),
        s.uriColumn(),
        optional);
  }

  private static String model(String what, ContextSpec.Source s, VectorField field, String pinned) {
    String recorded = field.model();
    String wanted = pinned != null ? pinned : recorded;
    if (wanted == null) {
      throw LakebeamException.invalid(
          "%s: field '%s.%s' records no embedding model; name the model that made its vectors"
              + " with source.model (minilm or bge)",
          what, s.collection(), field.name());
    }
    ModelSpec spec = Models.find(wanted);
    if (spec == null) {
      throw LakebeamException.invalid(
          "%s: model '%s' of '%s.%s' is not one this build can load (it loads %s and %s)",
          what,
          wanted,
          s.collection(),
          field.name(),
          id(Models.ALL_MINILM_L6_V2),
          id(Models.BGE_SMALL_EN_V15));
    }
    if (recorded != null && s.model() != null && !recorded.equals(id(spec))) {
      throw LakebeamException.invalid(
          "%s: source.model '%s' is not the model recorded for '%s.%s' (%s); queries must be"
              + " embedded with the model of the stored vectors: drop source.model",
          what, s.model(), s.collection(), field.name(), recorded);
    }
    return id(spec);
  }

  static String id(ModelSpec spec) {
    return spec.name() + "@" + spec.version();
  }

  private static List<String> columnNames(Collection c) {
    return c.schema().columns().stream().map(Types.NestedField::name).toList();
  }

  ModelSpec modelSpec() {
    return Models.find(model);
  }

  ModelSpec tokenizerSpec() {
    return Models.find(tokenizer);
  }
}
