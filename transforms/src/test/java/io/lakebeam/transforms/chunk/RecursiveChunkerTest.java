package io.lakebeam.transforms.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebeam.embeddings.Models;
import io.lakebeam.embeddings.TextTokenizer;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RecursiveChunkerTest {
  private static final TextTokenizer TOKENS = TextTokenizer.load(Models.ALL_MINILM_L6_V2);

  private static String paragraph(Random random, int words) {
    String[] vocabulary = {
      "lake", "table", "snapshot", "vector", "index", "query", "embedding", "chunk", "document",
      "iceberg", "commit", "parquet", "search", "model", "token", "beam", "flink", "runner"
    };
    return IntStream.range(0, words)
            .mapToObj(i -> vocabulary[random.nextInt(vocabulary.length)])
            .collect(Collectors.joining(" "))
        + ".";
  }

  @Test
  void chunksAreExactRangesWithinTheTokenBudget() {
    Random random = new Random(7);
    StringBuilder text = new StringBuilder("# Title\n\n");
    for (int p = 0; p < 40; p++) {
      text.append(paragraph(random, 20 + random.nextInt(80))).append("\n\n");
    }
    String doc = text.toString();
    List<ChunkSpan> chunks = new RecursiveChunker(TOKENS, 64, 8).split(doc);

    assertThat(chunks).hasSizeGreaterThan(10);
    for (ChunkSpan c : chunks) {
      String piece = doc.substring(c.start(), c.end());
      assertThat(TOKENS.count(piece)).isEqualTo(c.tokens()).isLessThanOrEqualTo(64);
      assertThat(piece).isEqualTo(piece.strip());
    }
    // In order, covering the whole text, and each chunk starts before the previous one ends.
    assertThat(chunks.get(0).start()).isEqualTo(0);
    assertThat(chunks.get(chunks.size() - 1).end()).isEqualTo(doc.strip().length());
    for (int i = 1; i < chunks.size(); i++) {
      assertThat(chunks.get(i).start()).isGreaterThan(chunks.get(i - 1).start());
      assertThat(chunks.get(i).start()).isLessThanOrEqualTo(chunks.get(i - 1).end() + 2);
    }
  }

  @Test
  void overlapRepeatsTheEndOfThePreviousChunk() {
    String doc = paragraph(new Random(3), 600);
    List<ChunkSpan> chunks = new RecursiveChunker(TOKENS, 50, 10).split(doc);
    assertThat(chunks).hasSizeGreaterThan(5);
    for (int i = 1; i < chunks.size(); i++) {
      int shared = chunks.get(i - 1).end() - chunks.get(i).start();
      assertThat(shared).as("chunk %d overlaps the previous one", i).isPositive();
      assertThat(TOKENS.count(doc.substring(chunks.get(i).start(), chunks.get(i - 1).end())))
          .isBetween(1, 10);
    }
  }

  @Test
  void paragraphsThatFitAreNotCut() {
    String a = "Iceberg keeps snapshots of every commit.";
    String b = "Beam runs the same pipeline on many runners.";
    String doc = a + "\n\n" + b;
    List<ChunkSpan> chunks = new RecursiveChunker(TOKENS, 12, 0).split(doc);
    assertThat(chunks).extracting(c -> doc.substring(c.start(), c.end())).containsExactly(a, b);
  }

  @Test
  void aSectionStartsANewChunkWhenTheCurrentOneIsHalfFull() {
    StringBuilder two = new StringBuilder("# Two\n\n");
    for (int i = 0; i < 8; i++) {
      two.append(paragraph(new Random(10 + i), 15)).append("\n\n");
    }
    String doc = "# One\n\n" + paragraph(new Random(1), 45) + "\n\n" + two;
    List<ChunkSpan> chunks = new RecursiveChunker(TOKENS, 100, 0).split(doc);
    assertThat(chunks.get(0).tokens()).isGreaterThanOrEqualTo(50).isLessThan(80);
    assertThat(doc.substring(chunks.get(1).start())).startsWith("# Two");
  }

  @Test
  void textWithoutSpacesIsCutByTokens() {
    String doc = "x".repeat(5_000) + "漢字".repeat(300);
    List<ChunkSpan> chunks = new RecursiveChunker(TOKENS, 32, 4).split(doc);
    assertThat(chunks).isNotEmpty().allSatisfy(c -> assertThat(c.tokens()).isLessThanOrEqualTo(32));
    assertThat(chunks.get(chunks.size() - 1).end()).isEqualTo(doc.length());
  }

  @Test
  void longTextIsTokenizedInBlocksWithTheSameCounts() {
    String doc = paragraph(new Random(11), 40_000);
    assertThat(doc.length()).isGreaterThan(TokenIndex.BLOCK_CHARS * 3);
    TokenIndex index = TokenIndex.of(doc, TOKENS);
    assertThat(index.size()).isEqualTo(TOKENS.count(doc));
  }

  @Test
  void blankTextHasNoChunks() {
    assertThat(new RecursiveChunker(TOKENS, 32, 4).split("  \n\n \t")).isEmpty();
    assertThat(new RecursiveChunker(TOKENS, 32, 4).split("")).isEmpty();
  }

  @Test
  void impossibleSettingsAreRefused() {
    assertThatThrownBy(() -> new RecursiveChunker(TOKENS, 32, 16))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("overlap < maxTokens / 2");
  }
}
