package io.lakebeam.embeddings;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * One ONNX session and its tokenizer, with what was learnt about the model's inputs and output.
 * Thread-safe: {@link OrtSession#run} and the HuggingFace tokenizer may be called concurrently.
 */
final class LoadedModel implements AutoCloseable {

  static final String INPUT_IDS = "input_ids";
  static final String ATTENTION_MASK = "attention_mask";
  static final String TOKEN_TYPE_IDS = "token_type_ids";

  /**
   * ONNX Runtime session option that lets idle intra-op threads spin between operators. Off here: a
   * pipeline worker shares its cores with tokenization, I/O and other threads, and spinning burns
   * the time they need. On the shared 2-core development machine this embedder did 23% more
   * passages/s at 19% less CPU with spinning off, with bitwise-equal vectors (bench/RESULTS.md,
   * embedding throughput); on an idle machine it costs a thread wake-up per parallel operator,
   * microseconds against milliseconds of compute.
   */
  static final String ALLOW_SPINNING = "session.intra_op.allow_spinning";

  /** Output names tried in this order; otherwise the model's first output is used. */
  private static final List<String> PREFERRED_OUTPUTS =
      List.of("last_hidden_state", "token_embeddings", "sentence_embedding");

  private final String name;
  private final int maxSequenceLength;
  private final OrtSession session;
  private final HuggingFaceTokenizer tokenizer;
  private final Map<String, OnnxJavaType> inputTypes;
  private final String outputName;
  private final boolean tokenOutput;
  private final int dimension;

  private LoadedModel(
      String name,
      int maxSequenceLength,
      OrtSession session,
      HuggingFaceTokenizer tokenizer,
      Map<String, OnnxJavaType> inputTypes,
      String outputName,
      boolean tokenOutput,
      int staticDimension)
      throws OrtException {
    this.name = name;
    this.maxSequenceLength = maxSequenceLength;
    this.session = session;
    this.tokenizer = tokenizer;
    this.inputTypes = inputTypes;
    this.outputName = outputName;
    this.tokenOutput = tokenOutput;
    this.dimension = staticDimension > 0 ? staticDimension : probeDimension();
  }

  /**
   * Loads the model and tokenizer.
   *
   * @param intraOpThreads ONNX Runtime threads for one inference call
   * @throws EmbeddingModelException saying what could not be loaded and what to check
   */
  static LoadedModel load(
      String name,
      ModelFile onnx,
      ModelFile tokenizerFile,
      int maxSequenceLength,
      int intraOpThreads) {
    HuggingFaceTokenizer tokenizer = null;
    OrtSession session = null;
    try {
      tokenizer = loadTokenizer(name, tokenizerFile, maxSequenceLength);
      session = createSession(name, onnx, intraOpThreads);
      Map<String, OnnxJavaType> inputTypes = readInputs(name, session);
      Map<String, NodeInfo> outputs = session.getOutputInfo();
      String outputName = chooseOutput(outputs);
      if (!(outputs.get(outputName).getInfo() instanceof TensorInfo info)
          || info.type != OnnxJavaType.FLOAT
          || (info.getShape().length != 2 && info.getShape().length != 3)) {
        throw new EmbeddingModelException(
            "Cannot load model "
                + name
                + ": output '"
                + outputName
                + "' is not a float tensor of shape [batch, tokens, hidden] or [batch, hidden]: "
                + outputs.get(outputName).getInfo()
                + "; is this a sentence-embedding (encoder) model?");
      }
      long[] shape = info.getShape();
      return new LoadedModel(
          name,
          maxSequenceLength,
          session,
          tokenizer,
          inputTypes,
          outputName,
          shape.length == 3,
          (int) shape[shape.length - 1]);
    } catch (OrtException | RuntimeException | LinkageError e) {
      closeQuietly(session, tokenizer);
      if (e instanceof EmbeddingModelException eme) {
        throw eme;
      }
      throw new EmbeddingModelException(
          "Cannot load model "
              + name
              + " from "
              + onnx.describe()
              + ": "
              + e
              + "; check that the file is a complete ONNX model and that ONNX Runtime's native"
              + " library loads on this platform",
          e);
    }
  }

  /** Loads a model on one thread just long enough to read its output width. */
  static int readOutputDimension(
      String name, ModelFile onnx, ModelFile tokenizerFile, int maxSequenceLength) {
    try (LoadedModel model = load(name, onnx, tokenizerFile, maxSequenceLength, 1)) {
      return model.dimension;
    }
  }

  int dimension() {
    return dimension;
  }

  boolean hasInput(String input) {
    return inputTypes.containsKey(input);
  }

  /**
   * Tokenizes all texts (truncated to the maximum sequence length, no padding). Null elements must
   * have been rejected by the caller.
   */
  Encoding[] tokenize(List<String> texts) {
    return tokenizer.batchEncode(texts.toArray(String[]::new));
  }

  /** Tokenizes (query, passage) pairs as one sequence each, the way cross-encoders read them. */
  Encoding[] tokenizePairs(String query, List<String> passages) {
    ai.djl.util.PairList<String, String> pairs = new ai.djl.util.PairList<>(passages.size());
    for (String p : passages) {
      pairs.add(query, p);
    }
    return tokenizer.batchEncode(pairs);
  }

  /**
   * Runs one batch and returns the pooled (and, if asked, normalised) vector of each encoding, in
   * batch order.
   */
  float[][] run(Encoding[] batch, Pooling pooling, boolean normalize) {
    int rows = batch.length;
    int seqLen = 1;
    for (Encoding e : batch) {
      seqLen = Math.max(seqLen, e.getIds().length);
    }
    Map<String, OnnxTensor> inputs = new HashMap<>();
    try {
      addInputs(inputs, batch, seqLen);
      try (OrtSession.Result result = session.run(inputs, Set.of(outputName))) {
        FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
        float[][] vectors = new float[rows][];
        for (int r = 0; r < rows; r++) {
          float[] v;
          if (!tokenOutput) {
            v = VectorMath.row(out, r, dimension);
          } else if (pooling == Pooling.CLS) {
            v = VectorMath.clsPool(out, r, seqLen, dimension);
          } else {
            v = VectorMath.meanPool(out, r, seqLen, dimension, batch[r].getAttentionMask());
          }
          if (normalize) {
            VectorMath.l2Normalize(v);
          }
          vectors[r] = v;
        }
        return vectors;
      }
    } catch (OrtException e) {
      throw new EmbeddingModelException(
          "Cannot embed with model "
              + name
              + ": "
              + e.getMessage()
              + " (batch of "
              + rows
              + " texts x "
              + seqLen
              + " tokens); if the model accepts fewer than "
              + maxSequenceLength
              + " tokens, lower ModelSpec.maxSequenceLength",
          e);
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  @Override
  public void close() {
    closeQuietly(session, tokenizer);
  }

  /** Reads the output width from a real result, for outputs whose last dimension is symbolic. */
  private int probeDimension() throws OrtException {
    Encoding[] one = tokenize(List.of(""));
    Map<String, OnnxTensor> inputs = new HashMap<>();
    try {
      addInputs(inputs, one, one[0].getIds().length);
      try (OrtSession.Result result = session.run(inputs, Set.of(outputName))) {
        long[] shape = ((TensorInfo) result.get(0).getInfo()).getShape();
        return (int) shape[shape.length - 1];
      }
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  /** Adds the model's inputs, right-padded with zeros to {@code seqLen}, to {@code inputs}. */
  private void addInputs(Map<String, OnnxTensor> inputs, Encoding[] batch, int seqLen)
      throws OrtException {
    inputs.put(INPUT_IDS, tensor(INPUT_IDS, batch, Encoding::getIds, seqLen));
    inputs.put(ATTENTION_MASK, tensor(ATTENTION_MASK, batch, Encoding::getAttentionMask, seqLen));
    if (hasInput(TOKEN_TYPE_IDS)) {
      inputs.put(TOKEN_TYPE_IDS, tensor(TOKEN_TYPE_IDS, batch, Encoding::getTypeIds, seqLen));
    }
  }

  private OnnxTensor tensor(
      String input, Encoding[] batch, Function<Encoding, long[]> field, int seqLen)
      throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    int rows = batch.length;
    long[] shape = {rows, seqLen};
    if (inputTypes.get(input) == OnnxJavaType.INT32) {
      int[] flat = new int[rows * seqLen];
      for (int r = 0; r < rows; r++) {
        long[] values = field.apply(batch[r]);
        for (int t = 0; t < values.length; t++) {
          flat[r * seqLen + t] = (int) values[t];
        }
      }
      return OnnxTensor.createTensor(env, IntBuffer.wrap(flat), shape);
    }
    long[] flat = new long[rows * seqLen];
    for (int r = 0; r < rows; r++) {
      long[] values = field.apply(batch[r]);
      System.arraycopy(values, 0, flat, r * seqLen, values.length);
    }
    return OnnxTensor.createTensor(env, LongBuffer.wrap(flat), shape);
  }

  private static HuggingFaceTokenizer loadTokenizer(
      String name, ModelFile file, int maxSequenceLength) {
    String max = String.valueOf(maxSequenceLength);
    Map<String, String> options =
        Map.of(
            "addSpecialTokens", "true",
            "withOverflowingTokens", "false",
            "truncation", "true",
            "padding", "false",
            "maxLength", max,
            "modelMaxLength", max);
    try (InputStream in = file.open()) {
      return HuggingFaceTokenizer.newInstance(in, options);
    } catch (IOException e) {
      throw new EmbeddingModelException(
          "Cannot load model " + name + ": cannot read tokenizer: " + e.getMessage(), e);
    } catch (RuntimeException | LinkageError e) {
      throw new EmbeddingModelException(
          "Cannot load model "
              + name
              + ": cannot read tokenizer "
              + file.describe()
              + ": "
              + e
              + "; it must be a HuggingFace tokenizer.json, and DJL's native tokenizer library"
              + " must load (DJL unpacks it under ~/.djl.ai, or DJL_CACHE_DIR if set)",
          e);
    }
  }

  private static OrtSession createSession(String name, ModelFile onnx, int intraOpThreads)
      throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(intraOpThreads);
      options.setInterOpNumThreads(1);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      options.addConfigEntry(ALLOW_SPINNING, "0");
      if (onnx instanceof ModelFile.OnDisk disk) {
        Path path = disk.path();
        if (!Files.isRegularFile(path)) {
          throw new EmbeddingModelException(
              "Cannot load model "
                  + name
                  + ": file "
                  + path
                  + " does not exist or is not a regular file");
        }
        return env.createSession(path.toString(), options);
      }
      byte[] bytes;
      try (InputStream in = onnx.open()) {
        bytes = in.readAllBytes();
      } catch (IOException e) {
        throw new EmbeddingModelException("Cannot load model " + name + ": " + e.getMessage(), e);
      }
      return env.createSession(bytes, options);
    }
  }

  private static Map<String, OnnxJavaType> readInputs(String name, OrtSession session)
      throws OrtException {
    Map<String, OnnxJavaType> types = new HashMap<>();
    for (Map.Entry<String, NodeInfo> input : session.getInputInfo().entrySet()) {
      String inputName = input.getKey();
      if (!Set.of(INPUT_IDS, ATTENTION_MASK, TOKEN_TYPE_IDS).contains(inputName)) {
        throw new EmbeddingModelException(
            "Cannot load model "
                + name
                + ": unsupported model input '"
                + inputName
                + "'; supported inputs are input_ids, attention_mask and token_type_ids"
                + " (a HuggingFace/Optimum feature-extraction export)");
      }
      if (!(input.getValue().getInfo() instanceof TensorInfo info)
          || (info.type != OnnxJavaType.INT64 && info.type != OnnxJavaType.INT32)) {
        throw new EmbeddingModelException(
            "Cannot load model "
                + name
                + ": input '"
                + inputName
                + "' must be an int64 or int32 tensor: "
                + input.getValue().getInfo());
      }
      types.put(inputName, info.type);
    }
    for (String required : List.of(INPUT_IDS, ATTENTION_MASK)) {
      if (!types.containsKey(required)) {
        throw new EmbeddingModelException(
            "Cannot load model "
                + name
                + ": the model has no '"
                + required
                + "' input (it has "
                + types.keySet()
                + "); export it as a feature-extraction model");
      }
    }
    return Map.copyOf(types);
  }

  private static String chooseOutput(Map<String, NodeInfo> outputs) {
    for (String preferred : PREFERRED_OUTPUTS) {
      if (outputs.containsKey(preferred)) {
        return preferred;
      }
    }
    return outputs.keySet().iterator().next();
  }

  private static void closeQuietly(OrtSession session, HuggingFaceTokenizer tokenizer) {
    if (tokenizer != null) {
      tokenizer.close();
    }
    if (session != null) {
      try {
        session.close();
      } catch (OrtException e) {
        // Nothing left to release on a failed close.
      }
    }
  }
}
