package io.lakebeam.embeddings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Behaviour of {@link OnnxTextEmbedder} on the real all-MiniLM-L6-v2 model. */
class OnnxTextEmbedderTest {

  private static final OnnxTextEmbedder MINILM = OnnxTextEmbedder.load(Models.ALL_MINILM_L6_V2);

  /** Texts of very different token lengths, deliberately not in length order. */
  private static final List<String> MIXED =
      List.of(
          "A long text: " + "columnar files with statistics let the planner skip data. ".repeat(12),
          "short",
          "",
          "A medium sentence about snapshot isolation in table formats.",
          "x",
          "Another long one: " + "compaction rewrites small files into larger ones. ".repeat(30),
          "Two words");

  /** Short texts for the concurrency test: enough calls to overlap, cheap on two cores. */
  private static final List<String> SHORT =
      List.of(
          "Threads share one embedder.",
          "",
          "Each call gets its own arrays back.",
          "ONNX Runtime sessions may run concurrently.",
          "ok",
          "The tokenizer is thread-safe as well, so nothing needs a lock.");

  @Test
  void describesTheModel() {
    assertThat(MINILM.dimension()).isEqualTo(384);
    assertThat(MINILM.modelName()).isEqualTo("all-MiniLM-L6-v2");
    assertThat(MINILM.modelVersion()).isEqualTo("onnx-sha256:759c3cd2b7fe");
    assertThat(MINILM.spec()).isEqualTo(Models.ALL_MINILM_L6_V2);
    assertThat(MINILM.batchTokenBudget()).isEqualTo(OnnxTextEmbedder.DEFAULT_BATCH_TOKEN_BUDGET);
  }

  @Test
  void batchKeepsInputOrderWhateverTheBatching() {
    float[][] oneByOne = new float[MIXED.size()][];
    for (int i = 0; i < MIXED.size(); i++) {
      oneByOne[i] = MINILM.embed(MIXED.get(i));
    }

    // Default budget: several texts per batch, padded to the batch's longest text.
    float[][] batched = MINILM.embed(MIXED);
    // A budget of 1 token: one text per call.
    float[][] singles = MINILM.withBatchTokenBudget(1).embed(MIXED);
    // A budget that splits the sorted list into several multi-text batches.
    float[][] small = MINILM.withBatchTokenBudget(40).embed(MIXED);

    for (int i = 0; i < MIXED.size(); i++) {
      assertThat(ReferenceVectors.cosine(batched[i], oneByOne[i]))
          .as("text %d", i)
          .isGreaterThan(0.99999);
      assertThat(ReferenceVectors.cosine(small[i], oneByOne[i]))
          .as("text %d", i)
          .isGreaterThan(0.99999);
      assertThat(singles[i]).as("text %d", i).containsExactly(oneByOne[i]);
    }
    // The texts really are different, so a shuffled result would have been caught.
    assertThat(ReferenceVectors.cosine(batched[1], batched[4])).isLessThan(0.99);
    assertThat(ReferenceVectors.cosine(batched[0], batched[5])).isLessThan(0.99);
  }

  @Test
  void vectorsHaveUnitNorm() {
    for (float[] v : MINILM.embed(MIXED)) {
      assertThat(ReferenceVectors.norm(v)).isCloseTo(1.0, within(1e-5));
    }
  }

  @Test
  void truncatesLongTextToMaxSequenceLength() {
    String prefix = "Iceberg keeps table metadata in manifests and manifest lists. ".repeat(40);
    float[] a = MINILM.embed(prefix + "The ending is about cats.");
    float[] b = MINILM.embed(prefix + "A completely different ending about rockets and fuel.");

    // Both texts exceed 256 tokens within the shared prefix, so only the prefix is seen.
    assertThat(a).containsExactly(b);
    assertThat(ReferenceVectors.norm(a)).isCloseTo(1.0, within(1e-5));
  }

  @Test
  void embedsEmptyInputs() {
    assertThat(MINILM.embed(List.of())).isEmpty();
    float[] empty = MINILM.embed("");
    assertThat(empty).hasSize(384);
    assertThat(ReferenceVectors.norm(empty)).isCloseTo(1.0, within(1e-5));
  }

  @Test
  void concurrentCallsGiveIdenticalResults() throws Exception {
    float[][] expected = MINILM.embed(SHORT);
    int threads = 4;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<List<float[][]>>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  List<float[][]> results = new ArrayList<>();
                  for (int round = 0; round < 5; round++) {
                    results.add(OnnxTextEmbedder.load(Models.ALL_MINILM_L6_V2).embed(SHORT));
                  }
                  return results;
                }));
      }
      start.countDown();
      for (Future<List<float[][]>> future : futures) {
        for (float[][] result : future.get()) {
          for (int i = 0; i < expected.length; i++) {
            assertThat(result[i]).as("text %d", i).containsExactly(expected[i]);
          }
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void nullTextIsRejectedWithItsIndex() {
    List<String> texts = Arrays.asList("fine", "also fine", null, "fine again");

    assertThatThrownBy(() -> MINILM.embed(texts))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot embed: text at index 2 is null");
    assertThatThrownBy(() -> MINILM.embed((String) null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot embed: text at index 0 is null");
  }

  @Test
  void loadSharesOneInstancePerSpecAndCloseKeepsItUsable() {
    OnnxTextEmbedder again = OnnxTextEmbedder.load(Models.ALL_MINILM_L6_V2);
    assertThat(again).isSameAs(MINILM);

    try (TextEmbedder embedder = OnnxTextEmbedder.load(Models.ALL_MINILM_L6_V2)) {
      embedder.embed("used inside try-with-resources");
    }
    assertThat(MINILM.embed("still usable")).hasSize(384);
  }

  @Test
  void rejectsInvalidBatchTokenBudget() {
    assertThatThrownBy(() -> MINILM.withBatchTokenBudget(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot set batch token budget: must be >= 1: 0");
  }

  @Test
  void inferenceFailureSaysWhatToChange() {
    // MiniLM has 512 position embeddings; allowing 600 tokens makes a long text fail in the model.
    OnnxTextEmbedder tooLong =
        OnnxTextEmbedder.load(
            Models.ALL_MINILM_L6_V2.withName("minilm-600").withMaxSequenceLength(600));

    assertThatThrownBy(() -> tooLong.embed("word ".repeat(700)))
        .isInstanceOf(EmbeddingModelException.class)
        .hasMessageStartingWith("Cannot embed with model minilm-600: ")
        .hasMessageContaining("(batch of 1 texts x 600 tokens)")
        .hasMessageEndingWith(
            "if the model accepts fewer than 600 tokens, lower ModelSpec.maxSequenceLength");
  }

  @Test
  void missingModelResourceSaysWhatToAdd() {
    ModelSpec missing =
        new ModelSpec(
            "not-shipped",
            "v1",
            ModelFile.classpath("no-such-model.onnx", "com.example:no-such-model:1.0"),
            Models.ALL_MINILM_L6_V2.tokenizer(),
            Pooling.MEAN,
            true,
            384,
            128);

    assertThatThrownBy(() -> OnnxTextEmbedder.load(missing))
        .isInstanceOf(EmbeddingModelException.class)
        .hasMessageContaining("Cannot load model not-shipped")
        .hasMessageContaining("no-such-model.onnx not found")
        .hasMessageContaining("add com.example:no-such-model:1.0 to the classpath");
  }
}
