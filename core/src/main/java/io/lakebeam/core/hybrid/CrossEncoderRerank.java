package io.lakebeam.core.hybrid;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.lake.Collection;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Reorders the fused candidates by a cross-encoder's relevance of (query text, candidate text); the
 * returned score is the model's. The model itself lives outside core (ONNX Runtime in {@code
 * embeddings}): this stage takes it as a {@link PairScorer}.
 *
 * <pre>{@code
 * CrossEncoder model = CrossEncoder.load(onnxPath, tokenizerJson);
 * new CrossEncoderRerank(model::score, "text", List.of("how do I rotate keys?"));
 * }</pre>
 *
 * @param scorer the model
 * @param textField the string column holding each candidate's text
 * @param queryTexts one query text per query of the search
 */
public record CrossEncoderRerank(PairScorer scorer, String textField, List<String> queryTexts)
    implements Rerank {

  /** Scores passages against one query; higher is more relevant. Thread-safe. */
  @FunctionalInterface
  public interface PairScorer {
    float[] score(String query, List<String> passages);
  }

  public CrossEncoderRerank {
    if (queryTexts == null || queryTexts.isEmpty()) {
      throw LakebeamException.invalid(
          "Cannot rerank with a cross-encoder without query texts: send 'queries' in the rerank");
    }
    queryTexts = List.copyOf(queryTexts);
  }

  @Override
  public void check(Collection c, int queries) {
    Types.NestedField f = textField == null ? null : c.schema().findField(textField);
    if (f == null || f.type().typeId() != Type.TypeID.STRING) {
      throw LakebeamException.invalid(
          "Cannot rerank with a cross-encoder on text field '%s': name a string column of '%s'",
          textField, c.name());
    }
    if (queryTexts.size() != queries) {
      throw LakebeamException.invalid(
          "Cannot rerank %d queries with %d cross-encoder query texts: give one text per query",
          queries, queryTexts.size());
    }
  }

  @Override
  public List<HybridHit> rerank(Collection c, int query, List<HybridHit> candidates, int k) {
    Object[] raw = CandidateColumns.read(c, candidates, textField);
    List<String> texts = new ArrayList<>(raw.length);
    for (Object o : raw) {
      texts.add(o == null ? "" : o.toString());
    }
    float[] scores = scorer.score(queryTexts.get(query), texts);
    List<HybridHit> out = new ArrayList<>(candidates.size());
    for (int i = 0; i < scores.length; i++) {
      out.add(candidates.get(i).withScore(scores[i]));
    }
    out.sort(Ranker.ORDER);
    return out.subList(0, Math.min(k, out.size()));
  }
}
