package io.lakebeam.xlang;

import io.lakebeam.transforms.documents.Documents;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.transforms.SchemaTransform;

/**
 * {@code beam:schematransform:org.lakebeam:documents_read:v1}: {@link Documents#read} for Python
 * and YAML: files matching a pattern, their text extracted with Apache Tika (one row per file with
 * {@code doc_id}, {@code uri}, {@code text}, ...). No input.
 *
 * <pre>{@code
 * - type: LakebeamDocuments
 *   config: {pattern: "/data/raw/**"}
 * }</pre>
 */
public final class DocumentsReadSchemaTransformProvider extends LakebeamSchemaTransformProvider {
  static final String PATTERN = "pattern";
  static final String SKIP_UNCHANGED_IN = "skip_unchanged_in";

  public DocumentsReadSchemaTransformProvider() {
    super("documents_read", Input.NONE);
  }

  @Override
  public String description() {
    return "Reads documents (PDF, Office, HTML, text, ...) matching a pattern, one row per file.";
  }

  @Override
  public Schema configurationSchema() {
    return Schema.builder()
        .addField(
            required(
                PATTERN,
                FieldType.STRING,
                "A file, directory, glob (/data/**.pdf) or object-storage prefix. Required."))
        .addField(
            optionalLakehouse(
                "Lakehouse whose storage settings read object-storage URIs (and skip_unchanged_in)."))
        .addField(
            optional(
                SKIP_UNCHANGED_IN,
                FieldType.STRING,
                "Documents collection: files whose hash it already holds are skipped. Needs"
                    + " lakehouse."))
        .build();
  }

  @Override
  protected SchemaTransform build(Config config) {
    Documents.Read read = Documents.read(config.requiredString(PATTERN));
    config.onlyWhen(config.has(LAKEHOUSE), "lakehouse is set", SKIP_UNCHANGED_IN);
    if (config.has(LAKEHOUSE)) {
      read = read.withLakehouse(config.lakehouse(LAKEHOUSE));
    }
    if (config.has(SKIP_UNCHANGED_IN)) {
      read = read.skippingUnchangedIn(config.string(SKIP_UNCHANGED_IN, null));
    }
    Documents.Read transform = read;
    return producing(pipeline -> pipeline.apply("Read documents", transform));
  }
}
