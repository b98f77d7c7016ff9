package io.lakebeam.core.hybrid;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.index.SearchRequest;
import io.lakebeam.core.lake.Collection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Hybrid search: runs every leg (vector fields, text indexes) with the same filter, fuses their
 * candidates with a {@link Ranker} and optionally reorders them with a {@link Rerank} stage.
 *
 * <pre>{@code
 * HybridSearch.Request r =
 *     new HybridSearch.Request(
 *         List.of(new VectorLeg("embedding", q1, 50, 0), new VectorLeg("embedding_bge", q2, 50, 0)),
 *         new Ranker.Rrf(60), null, 10, "lang = 'en'");
 * List<List<HybridHit>> hits = HybridSearch.run(lake.collection("kb.chunks"), r);
 * }</pre>
 *
 * <p>Legs run in parallel (the common fork-join pool and the caller) when there are several.
 * Thread-safe: holds no state.
 */
public final class HybridSearch {
  /** The most legs one request may hold. */
  public static final int MAX_LEGS = 8;

  private HybridSearch() {}

  /** The default candidates per leg for {@code topK} results: {@code max(4 * topK, 50)}. */
  public static int defaultLegTopK(int topK) {
    return Math.min(SearchRequest.MAX_TOP_K, Math.max(4 * topK, 50));
  }

  /**
   * A hybrid search.
   *
   * @param legs 1..{@value #MAX_LEGS} legs, each with the same number of queries
   * @param ranker how the legs are fused
   * @param rerank the stage after fusion, or null
   * @param topK results per query, 1..{@value SearchRequest#MAX_TOP_K}
   * @param filter a predicate over scalar columns applied to every leg, or null
   */
  public record Request(
      List<HybridLeg> legs, Ranker ranker, Rerank rerank, int topK, String filter) {
    public Request {
      if (legs == null || legs.isEmpty() || legs.size() > MAX_LEGS) {
        throw LakebeamException.invalid(
            "Cannot run a hybrid search with %d legs: send 1 to %d",
            legs == null ? 0 : legs.size(), MAX_LEGS);
      }
      if (ranker == null) {
        throw LakebeamException.invalid(
            "Cannot run a hybrid search without a ranker: use rrf or weighted");
      }
      if (topK < 1 || topK > SearchRequest.MAX_TOP_K) {
        throw LakebeamException.invalid(
            "Cannot run a hybrid search with top_k=%d: use 1..%d", topK, SearchRequest.MAX_TOP_K);
      }
      legs = List.copyOf(legs);
      int queries = legs.get(0).queries();
      for (int i = 1; i < legs.size(); i++) {
        if (legs.get(i).queries() != queries) {
          throw LakebeamException.invalid(
              "Cannot run a hybrid search: leg 0 has %d queries but leg %d (%s) has %d; every"
                  + " leg needs one query per search",
              queries, i, legs.get(i).describe(), legs.get(i).queries());
        }
      }
      ranker.check(legs.size());
    }

    /** Queries per leg. */
    public int queries() {
      return legs.get(0).queries();
    }
  }

  /** Checks every leg and the rerank stage against the collection without running anything. */
  public static void check(Collection c, Request r) {
    for (HybridLeg leg : r.legs()) {
      leg.check(c);
    }
    if (r.rerank() != null) {
      r.rerank().check(c, r.queries());
    }
  }

  /** Runs the search: per query, at most {@code topK} hits, best first. */
  public static List<List<HybridHit>> run(Collection c, Request r) {
    check(c, r);
    List<List<List<LegHit>>> perLeg = runLegs(c, r);
    List<List<HybridHit>> out = new ArrayList<>(r.queries());
    for (int q = 0; q < r.queries(); q++) {
      List<List<LegHit>> legs = new ArrayList<>(perLeg.size());
      for (List<List<LegHit>> leg : perLeg) {
        legs.add(leg.get(q));
      }
      List<HybridHit> fused = r.ranker().fuse(legs);
      if (r.rerank() != null && !fused.isEmpty()) {
        // the stage sees every fused candidate (the union of the legs' top_k)
        fused = r.rerank().rerank(c, q, fused, r.topK());
      }
      out.add(List.copyOf(fused.subList(0, Math.min(r.topK(), fused.size()))));
    }
    return out;
  }

  private static List<List<List<LegHit>>> runLegs(Collection c, Request r) {
    List<HybridLeg> legs = r.legs();
    if (legs.size() == 1) {
      return List.of(legs.get(0).search(c, r.filter()));
    }
    List<CompletableFuture<List<List<LegHit>>>> others = new ArrayList<>();
    for (int i = 1; i < legs.size(); i++) {
      HybridLeg leg = legs.get(i);
      others.add(CompletableFuture.supplyAsync(() -> leg.search(c, r.filter())));
    }
    List<List<List<LegHit>>> out = new ArrayList<>(legs.size());
    out.add(legs.get(0).search(c, r.filter())); // the caller runs the first leg itself
    for (CompletableFuture<List<List<LegHit>>> f : others) {
      try {
        out.add(f.join());
      } catch (java.util.concurrent.CompletionException e) {
        if (e.getCause() instanceof RuntimeException re) {
          throw re;
        }
        throw e;
      }
    }
    return out;
  }
}
