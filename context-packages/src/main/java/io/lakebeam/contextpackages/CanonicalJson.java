package io.lakebeam.contextpackages;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakebeam.core.LakebeamException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON with a fixed key order (the maps are built in order) and SHA-256 hashes of it: the bytes
 * that content and spec hashes are computed over.
 */
final class CanonicalJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private CanonicalJson() {}

  static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (IOException e) {
      throw LakebeamException.internal("Cannot write JSON of " + value, e);
    }
  }

  static Map<String, Object> readObject(String json) {
    try {
      return MAPPER.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() {});
    } catch (IOException e) {
      throw LakebeamException.internal("Cannot read stored JSON: " + json, e);
    }
  }

  static List<Map<String, Object>> readList(String json) {
    try {
      return MAPPER.readValue(json, new TypeReference<List<Map<String, Object>>>() {});
    } catch (IOException e) {
      throw LakebeamException.internal("Cannot read stored JSON: " + json, e);
    }
  }

  /** {@code sha256:<hex>} of the UTF-8 bytes of {@code text}. */
  static String sha256(String text) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
