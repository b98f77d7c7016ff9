package io.lakebeam.xlang;

import static com.google.common.base.Preconditions.checkArgument;

import io.lakebeam.contextpackages.ContextSpec;
import io.lakebeam.contextpackages.SpecParser;
import io.lakebeam.contextpackages.beam.ContextBuild;
import java.nio.file.Path;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.transforms.SchemaTransform;

/**
 * {@code beam:schematransform:org.lakebeam:context_build:v1}: {@link ContextBuild} for Python and
 * YAML: builds a context-package spec's packages (one per topic) and commits the changed ones. No
 * input; the output is the commit summary. The spec is checked against the lakehouse at expansion.
 *
 * <pre>{@code
 * - type: LakebeamContextBuild
 *   config: {lakehouse: /data/lakehouse, spec_path: /specs/support-kb.yaml}
 * }</pre>
 */
public final class ContextBuildSchemaTransformProvider extends LakebeamSchemaTransformProvider {
  static final String SPEC = "spec";
  static final String SPEC_PATH = "spec_path";
  static final String BATCH_SIZE = "batch_size";

  public ContextBuildSchemaTransformProvider() {
    super("context_build", Input.NONE);
  }

  @Override
  public String description() {
    return "Builds the context packages of a spec (one per topic) and commits the changed ones.";
  }

  @Override
  public Schema configurationSchema() {
    return Schema.builder()
        .addField(requiredLakehouse())
        .addField(
            optional(SPEC, FieldType.STRING, "The spec as YAML text. Give this or spec_path."))
        .addField(optional(SPEC_PATH, FieldType.STRING, "Path of the spec's YAML file. Or spec."))
        .addField(
            optional(
                BATCH_SIZE,
                FieldType.INT32,
                "Queries embedded per model call, 1-4096. Default "
                    + ContextBuild.DEFAULT_BATCH_SIZE
                    + "."))
        .build();
  }

  @Override
  protected SchemaTransform build(Config config) {
    checkArgument(
        config.has(SPEC) != config.has(SPEC_PATH),
        "Cannot expand %s: give exactly one of options 'spec' and 'spec_path'",
        identifier());
    ContextSpec spec =
        config.has(SPEC)
            ? SpecParser.parse(config.string(SPEC, null), "option 'spec'")
            : SpecParser.read(Path.of(config.string(SPEC_PATH, null)));
    ContextBuild build =
        ContextBuild.of(spec, config.lakehouse(LAKEHOUSE))
            .withBatchSize(config.integer(BATCH_SIZE, ContextBuild.DEFAULT_BATCH_SIZE));
    return producing(build::applyTo);
  }
}
