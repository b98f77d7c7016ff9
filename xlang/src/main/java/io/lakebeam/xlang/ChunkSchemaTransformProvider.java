package io.lakebeam.xlang;

import io.lakebeam.transforms.chunk.Chunk;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.transforms.SchemaTransform;
import org.apache.beam.sdk.values.PCollectionRowTuple;

/**
 * {@code beam:schematransform:org.lakebeam:chunk:v1}: {@link Chunk#recursive()} for Python and
 * YAML. Input rows need {@code doc_id} and {@code text}.
 *
 * <pre>{@code
 * - type: LakebeamChunk
 *   config: {max_tokens: 128, overlap: 16}
 * }</pre>
 */
public final class ChunkSchemaTransformProvider extends LakebeamSchemaTransformProvider {
  static final String MAX_TOKENS = "max_tokens";
  static final String OVERLAP = "overlap";
  static final String TOKENIZER_OF = "tokenizer_of";

  public ChunkSchemaTransformProvider() {
    super("chunk");
  }

  @Override
  public String description() {
    return "Splits rows with doc_id and text into token-bounded chunks (chunk_id, doc_id,"
        + " doc_version, uri, ordinal, char_start, char_end, token_count, text).";
  }

  @Override
  public Schema configurationSchema() {
    return Schema.builder()
        .addField(
            Schema.Field.nullable(MAX_TOKENS, Schema.FieldType.INT32)
                .withDescription("Most tokens per chunk, special tokens included. Default 256."))
        .addField(
            Schema.Field.nullable(OVERLAP, Schema.FieldType.INT32)
                .withDescription("Tokens repeated from the previous chunk. Default 32."))
        .addField(
            Schema.Field.nullable(TOKENIZER_OF, Schema.FieldType.STRING)
                .withDescription(
                    "Model whose tokenizer counts tokens: minilm or bge. Default minilm."))
        .build();
  }

  @Override
  protected SchemaTransform build(Config config) {
    Chunk.Recursive chunk =
        Chunk.recursive()
            .withMaxTokens(config.integer(MAX_TOKENS, 256))
            .withOverlap(config.integer(OVERLAP, 32));
    if (config.has(TOKENIZER_OF)) {
      chunk = chunk.withTokenizerOf(EmbedTextSchemaTransformProvider.model(config, TOKENIZER_OF));
    }
    Chunk.Recursive transform = chunk;
    return new SchemaTransform() {
      @Override
      public PCollectionRowTuple expand(PCollectionRowTuple input) {
        return PCollectionRowTuple.of(OUTPUT, input.get(INPUT).apply("Chunk", transform));
      }
    };
  }
}
