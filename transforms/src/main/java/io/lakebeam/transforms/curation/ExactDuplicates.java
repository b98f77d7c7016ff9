package io.lakebeam.transforms.curation;

import static org.apache.beam.sdk.util.Preconditions.checkArgumentNotNull;
import static org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.base.Preconditions.checkArgument;

import io.lakebeam.transforms.lake.RowPositions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

/**
 * Exact duplicates by content hash (SHA-256 of the field's UTF-8 bytes); see {@link Dedup#exact()}.
 * Rows with equal content form one group (similarity 1.0); a null field is never a duplicate (its
 * fields stay null).
 */
public final class ExactDuplicates extends PTransform<PCollection<Row>, PCollection<Row>> {
  private final String field;
  private final String idField;
  private final String prefix;

  ExactDuplicates(String field, String idField, String prefix) {
    this.field = field;
    this.idField = idField;
    this.prefix = prefix;
  }

  /** The STRING field hashed. Default {@code text}. */
  public ExactDuplicates onText(String textField) {
    checkArgumentNotNull(textField, "Cannot hash a null field");
    return new ExactDuplicates(textField, idField, prefix);
  }

  /** See {@link NearDuplicates#withIdField}. */
  public ExactDuplicates withIdField(String id) {
    checkArgumentNotNull(id, "Cannot use a null id field");
    return new ExactDuplicates(field, id, prefix);
  }

  /** Prefix of the output fields. Default {@code exact_}. */
  public ExactDuplicates withOutputPrefix(String outputPrefix) {
    checkArgumentNotNull(outputPrefix, "Cannot use a null prefix");
    return new ExactDuplicates(field, idField, outputPrefix);
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> rows) {
    RowPositions.require(rows.getSchema(), "find exact duplicates");
    checkArgument(
        rows.getSchema().hasField(field)
            && rows.getSchema().getField(field).getType().getTypeName() == TypeName.STRING,
        "Cannot hash field '%s': the rows have no STRING field of that name; fields: %s",
        field,
        rows.getSchema().getFieldNames());
    DuplicateFields fields =
        new DuplicateFields(prefix, DuplicateFields.resolveIdField(rows.getSchema(), idField));
    String text = field;
    PCollection<DuplicateEdges> edges =
        rows.apply(
                "Hash content",
                ParDo.of(
                    new DoFn<Row, KV<Integer, KV<String, String>>>() {
                      @ProcessElement
                      public void process(
                          @Element Row r, OutputReceiver<KV<Integer, KV<String, String>>> out) {
                        String value = r.getString(text);
                        if (value != null) {
                          String hash = sha256(value);
                          int shard = Integer.parseInt(hash.substring(0, 2), 16);
                          out.output(KV.of(shard, KV.of(hash, fields.rank(r))));
                        }
                      }
                    }))
            .setCoder(
                KvCoder.of(
                    VarIntCoder.of(), KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of())))
            .apply("Group by hash shard", GroupByKey.create())
            .apply("Pair copies", ParDo.of(new PairCopies()))
            .setCoder(DuplicateEdges.Coder.of());
    return rows.apply("Rows by file", new RowsByFile(edges))
        .apply(
            "Duplicate groups",
            new GroupDuplicates(
                edges,
                fields,
                2_000_000,
                r -> r.getString(text) == null ? new Object[3] : fields.single(r),
                rows.getSchema()));
  }

  static String sha256(String value) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** Links every copy of a content hash to the copy with the smallest rank (similarity 1.0). */
  private static final class PairCopies
      extends DoFn<KV<Integer, Iterable<KV<String, String>>>, DuplicateEdges> {
    @ProcessElement
    public void process(
        @Element KV<Integer, Iterable<KV<String, String>>> shard,
        OutputReceiver<DuplicateEdges> out) {
      Map<String, List<String>> groups = new HashMap<>();
      for (KV<String, String> member : shard.getValue()) {
        groups.computeIfAbsent(member.getKey(), h -> new ArrayList<>()).add(member.getValue());
      }
      DuplicateEdges.Builder edges = new DuplicateEdges.Builder();
      for (List<String> ranks : groups.values()) {
        String kept = Collections.min(ranks);
        for (String rank : ranks) {
          if (!rank.equals(kept)) {
            edges.add(kept, rank, 1.0);
          }
        }
      }
      if (!edges.isEmpty()) {
        out.output(edges.build());
      }
    }
  }
}
