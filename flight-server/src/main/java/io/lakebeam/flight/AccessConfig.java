package io.lakebeam.flight;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tokens a server accepts and what each may do, per namespace: an immutable value parsed from
 * the {@code --auth-config} JSON file (see docs/configuration.md, <em>Tokens and roles</em>).
 *
 * <pre>{@code
 * {"tokens": [
 *   {"name": "analyst", "sha256": "9f86d0...", "grants": {"*": "read"}},
 *   {"name": "etl", "token": "plain-secret", "grants": {"corpus": "write", "default": "read"}}
 * ]}
 * }</pre>
 *
 * <p>A grant key is a namespace ({@code default} holds collections without a dot) or {@code *} for
 * every namespace.
 */
final class AccessConfig {
  /** The namespace key that grants a permission in every namespace. */
  static final String ALL = "*";

  /** The identity of the single {@code --token}, an admin of every namespace. */
  static final String ADMIN_TOKEN_NAME = "token";

  private static final Set<String> TOP_KEYS = Set.of("tokens");
  private static final Set<String> TOKEN_KEYS = Set.of("name", "token", "sha256", "grants");

  /** Who a token belongs to and what it may do. */
  record Principal(String name, Map<String, Permission> grants) {
    /** Whether this principal holds {@code needed} in {@code namespace}. */
    boolean allows(Permission needed, String namespace) {
      Permission p = grants.get(namespace);
      Permission all = grants.get(ALL);
      return (p != null && p.covers(needed)) || (all != null && all.covers(needed));
    }

    /** Whether this principal holds {@code needed} in at least one namespace. */
    boolean allowsSomewhere(Permission needed) {
      return grants.values().stream().anyMatch(p -> p.covers(needed));
    }
  }

  private final Map<String, Principal> byTokenHash;
  private final Map<String, Principal> byName;

  private AccessConfig(Map<String, Principal> byTokenHash) {
    this.byTokenHash = Map.copyOf(byTokenHash);
    Map<String, Principal> names = new LinkedHashMap<>();
    byTokenHash.values().forEach(p -> names.put(p.name(), p));
    this.byName = Map.copyOf(names);
  }

  /** One admin token for every namespace: what {@code --token} means. */
  static AccessConfig adminToken(String token) {
    return new AccessConfig(
        Map.of(sha256(token), new Principal(ADMIN_TOKEN_NAME, Map.of(ALL, Permission.ADMIN))));
  }

  /** This configuration plus {@code other}'s tokens; a name or token in both is an error. */
  AccessConfig with(AccessConfig other) {
    Map<String, Principal> all = new LinkedHashMap<>(byTokenHash);
    for (Map.Entry<String, Principal> e : other.byTokenHash.entrySet()) {
      if (all.containsKey(e.getKey()) || byName.containsKey(e.getValue().name())) {
        throw new IllegalArgumentException(
            "Cannot use token '"
                + e.getValue().name()
                + "' twice: each token and each name may appear once (the --token is named '"
                + ADMIN_TOKEN_NAME
                + "')");
      }
      all.put(e.getKey(), e.getValue());
    }
    return new AccessConfig(all);
  }

  /** The principal holding {@code token}, or null. */
  Principal byToken(String token) {
    return byTokenHash.get(sha256(token));
  }

  /** The principal named {@code name}, or null. */
  Principal byName(String name) {
    return byName.get(name);
  }

  /** Parses the JSON of an auth config file; {@code source} names it in errors. */
  static AccessConfig parse(byte[] json, String source) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "Cannot read auth config "
              + source
              + ": not JSON ("
              + e.getMessage().split("\n")[0]
              + ")");
    }
    if (root == null || !root.isObject() || !root.path("tokens").isArray()) {
      throw new IllegalArgumentException(
          "Cannot read auth config "
              + source
              + ": expected {\"tokens\": [{\"name\", \"sha256\" or \"token\", \"grants\"}]}");
    }
    checkKeys(root, TOP_KEYS, source);
    Map<String, Principal> tokens = new LinkedHashMap<>();
    Set<String> names = new java.util.HashSet<>();
    int i = 0;
    for (JsonNode t : root.get("tokens")) {
      String where = source + " tokens[" + i++ + "]";
      if (!t.isObject()) {
        throw new IllegalArgumentException("Cannot read auth config " + where + ": not an object");
      }
      checkKeys(t, TOKEN_KEYS, where);
      String name = text(t, "name", where);
      if (!names.add(name)) {
        throw new IllegalArgumentException(
            "Cannot read auth config " + where + ": name '" + name + "' is used twice");
      }
      String hash;
      if (t.has("token") == t.has("sha256")) {
        throw new IllegalArgumentException(
            "Cannot read auth config "
                + where
                + ": give exactly one of \"token\" (plain text) or \"sha256\" (hex digest of it)");
      } else if (t.has("token")) {
        hash = sha256(text(t, "token", where));
      } else {
        hash = text(t, "sha256", where).toLowerCase(java.util.Locale.ROOT);
        if (!hash.matches("[0-9a-f]{64}")) {
          throw new IllegalArgumentException(
              "Cannot read auth config "
                  + where
                  + ": \"sha256\" must be 64 hex digits, e.g. from 'printf %s TOKEN | sha256sum'");
        }
      }
      if (tokens.containsKey(hash)) {
        throw new IllegalArgumentException(
            "Cannot read auth config " + where + ": the same token is given twice");
      }
      tokens.put(hash, new Principal(name, grants(t.get("grants"), where)));
    }
    return new AccessConfig(tokens);
  }

  private static Map<String, Permission> grants(JsonNode g, String where) {
    if (g == null || !g.isObject() || g.isEmpty()) {
      throw new IllegalArgumentException(
          "Cannot read auth config "
              + where
              + ": \"grants\" must map namespaces (or \"*\") to read, write or admin,"
              + " e.g. {\"*\": \"read\"}");
    }
    Map<String, Permission> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = g.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      try {
        out.put(e.getKey(), Permission.parse(e.getValue().asText()));
      } catch (IllegalArgumentException x) {
        throw new IllegalArgumentException(
            "Cannot read auth config " + where + " grant '" + e.getKey() + "': " + x.getMessage());
      }
    }
    return Map.copyOf(out);
  }

  private static String text(JsonNode node, String key, String where) {
    JsonNode v = node.get(key);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      throw new IllegalArgumentException(
          "Cannot read auth config " + where + ": \"" + key + "\" must be a non-empty string");
    }
    return v.asText();
  }

  private static void checkKeys(JsonNode node, Set<String> known, String where) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!known.contains(key)) {
        throw new IllegalArgumentException(
            "Cannot read auth config "
                + where
                + ": unknown key '"
                + key
                + "'; known keys are "
                + List.copyOf(new java.util.TreeSet<>(known)));
      }
    }
  }

  static String sha256(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
