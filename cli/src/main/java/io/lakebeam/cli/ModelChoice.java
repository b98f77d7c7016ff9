package io.lakebeam.cli;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.embeddings.ModelSpec;
import io.lakebeam.embeddings.Models;
import io.lakebeam.embeddings.Pooling;
import java.nio.file.Files;
import java.nio.file.Path;

/** Parses {@code --model}: a ready-made model's name, or a path to an ONNX model. */
final class ModelChoice {
  private ModelChoice() {}

  static ModelSpec parse(String value) {
    ModelSpec spec = Models.find(value);
    if (spec != null) {
      return spec;
    }
    Path onnx = Path.of(value);
    if (Files.isDirectory(onnx)) {
      onnx = onnx.resolve("model.onnx");
    }
    if (!Files.isRegularFile(onnx)) {
      throw LakebeamException.invalid(
          "Cannot use model '%s': it is neither minilm, bge nor an ONNX file (or a folder with"
              + " model.onnx and tokenizer.json)",
          value);
    }
    Path tokenizer = onnx.resolveSibling("tokenizer.json");
    return ModelSpec.fromPath(onnx, tokenizer, Pooling.MEAN, true);
  }
}
