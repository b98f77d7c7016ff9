package io.lakebeam.flight;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for {@code 127.0.0.1} and {@code localhost}, made at test time with the
 * JDK's {@code keytool} (no certificate is committed, no network): {@link #cert} is the PEM
 * certificate, {@link #key} the PKCS#8 PEM private key, as {@code lakebeam serve --tls-cert
 * --tls-key} take them.
 *
 * <pre>{@code
 * SelfSignedCertificate c = SelfSignedCertificate.create(dir, "server");
 * builder.tls(c.cert(), c.key());
 * }</pre>
 */
record SelfSignedCertificate(Path cert, Path key) {
  private static final String PASSWORD = "changeit";

  static SelfSignedCertificate create(Path dir, String name) throws Exception {
    return create(dir, List.of(name)).get(name);
  }

  /** One certificate per name, made by keytool processes running side by side. */
  static Map<String, SelfSignedCertificate> create(Path dir, List<String> names) throws Exception {
    Map<String, Process> running = new LinkedHashMap<>();
    for (String name : names) {
      running.put(name, keytool(dir.resolve(name + ".p12"), name));
    }
    Map<String, SelfSignedCertificate> out = new LinkedHashMap<>();
    for (Map.Entry<String, Process> e : running.entrySet()) {
      out.put(e.getKey(), export(dir, e.getKey(), e.getValue()));
    }
    return out;
  }

  private static Process keytool(Path store, String name) throws Exception {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    return new ProcessBuilder(
            keytool.toString(),
            "-genkeypair",
            "-alias",
            name,
            "-keyalg",
            "EC",
            "-groupname",
            "secp256r1",
            "-dname",
            "CN=" + name,
            "-ext",
            "san=ip:127.0.0.1,dns:localhost",
            "-validity",
            "2",
            "-storetype",
            "PKCS12",
            "-keystore",
            store.toString(),
            "-storepass",
            PASSWORD,
            "-keypass",
            PASSWORD)
        .redirectErrorStream(true)
        .start();
  }

  private static SelfSignedCertificate export(Path dir, String name, Process p) throws Exception {
    Path store = dir.resolve(name + ".p12");
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("keytool failed: " + output);
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, PASSWORD.toCharArray());
    }
    PrivateKey key = (PrivateKey) ks.getKey(name, PASSWORD.toCharArray());
    Path cert = dir.resolve(name + "-cert.pem");
    Path keyFile = dir.resolve(name + "-key.pem");
    Files.writeString(cert, pem("CERTIFICATE", ks.getCertificate(name).getEncoded()));
    Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()));
    return new SelfSignedCertificate(cert, keyFile);
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
