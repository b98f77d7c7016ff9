package io.lakebeam.flight;

import static io.lakebeam.flight.FlightFixture.assertFlightError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebeam.core.lake.Lakehouse;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS and mutual TLS on a real server on 127.0.0.1 with certificates made at test time. */
class TlsTest {
  @TempDir Path dir;
  @TempDir static Path certs;
  private static SelfSignedCertificate server;
  private static SelfSignedCertificate client;
  private static SelfSignedCertificate stranger;

  @BeforeAll
  static void makeCertificates() throws Exception {
    Map<String, SelfSignedCertificate> made =
        SelfSignedCertificate.create(certs, List.of("server", "client", "stranger"));
    server = made.get("server");
    client = made.get("client");
    stranger = made.get("stranger");
  }

  private static byte[] listCollections(FlightClient client) {
    return client.doAction(new Action("list_collections", Json.bytes(Map.of()))).next().getBody();
  }

  @Test
  void tlsServerAcceptsClientsThatTrustItsCertificateOnly() throws Exception {
    try (Lakehouse lake = Lakehouse.open(dir.resolve("lake").toString());
        LakebeamFlightServer s =
            LakebeamFlightServer.builder(lake)
                .port(0)
                .tls(server.cert(), server.key())
                .build()
                .start();
        BufferAllocator allocator = new RootAllocator()) {
      assertThat(s.uri()).startsWith("grpc+tls://127.0.0.1:");
      Location tls = Location.forGrpcTls("127.0.0.1", s.port());
      try (InputStream trust = Files.newInputStream(server.cert());
          FlightClient client =
              FlightClient.builder(allocator, tls).useTls().trustedCertificates(trust).build()) {
        assertThat(new String(listCollections(client))).contains("collections");
      }
      try (InputStream trust = Files.newInputStream(stranger.cert());
          FlightClient wrongTrust =
              FlightClient.builder(allocator, tls).useTls().trustedCertificates(trust).build()) {
        assertFlightError(() -> listCollections(wrongTrust), FlightStatusCode.UNAVAILABLE);
      }
      try (FlightClient plain =
          FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", s.port()))
              .build()) {
        assertThatThrownBy(() -> listCollections(plain)).isInstanceOf(FlightRuntimeException.class);
      }
    }
  }

  @Test
  void mutualTlsRejectsClientsWithoutATrustedCertificate() throws Exception {
    try (Lakehouse lake = Lakehouse.open(dir.resolve("lake").toString());
        LakebeamFlightServer s =
            LakebeamFlightServer.builder(lake)
                .port(0)
                .tls(server.cert(), server.key())
                .tlsClientCa(client.cert())
                .build()
                .start();
        BufferAllocator allocator = new RootAllocator()) {
      Location tls = Location.forGrpcTls("127.0.0.1", s.port());
      try (FlightClient trusted = tlsClient(allocator, tls, server, client)) {
        assertThat(new String(listCollections(trusted))).contains("collections");
      }
      try (FlightClient untrusted = tlsClient(allocator, tls, server, stranger)) {
        assertThatThrownBy(() -> listCollections(untrusted))
            .isInstanceOf(FlightRuntimeException.class);
      }
      try (FlightClient anonymous = tlsClient(allocator, tls, server, null)) {
        assertThatThrownBy(() -> listCollections(anonymous))
            .isInstanceOf(FlightRuntimeException.class);
      }
    }
  }

  @Test
  void missingCertificateFilesAreReportedBeforeStarting() throws Exception {
    try (Lakehouse lake = Lakehouse.open(dir.resolve("lake").toString())) {
      assertThatThrownBy(
              () ->
                  LakebeamFlightServer.builder(lake)
                      .tls(dir.resolve("nope.pem"), dir.resolve("nope-key.pem")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Cannot read the TLS certificate chain")
          .hasMessageContaining("nope.pem");
      assertThatThrownBy(
              () -> LakebeamFlightServer.builder(lake).tlsClientCa(client.cert()).build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("add --tls-cert FILE --tls-key FILE");
    }
  }

  private static FlightClient tlsClient(
      BufferAllocator allocator,
      Location location,
      SelfSignedCertificate serverCert,
      SelfSignedCertificate clientCert)
      throws Exception {
    FlightClient.Builder b = FlightClient.builder(allocator, location).useTls();
    try (InputStream trust = Files.newInputStream(serverCert.cert())) {
      b.trustedCertificates(trust);
      if (clientCert == null) {
        return b.build();
      }
      try (InputStream cert = Files.newInputStream(clientCert.cert());
          InputStream key = Files.newInputStream(clientCert.key())) {
        b.clientCertificate(cert, key);
        return b.build();
      }
    }
  }
}
