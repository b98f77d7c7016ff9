package io.lakebeam.cli;

import io.lakebeam.core.index.DiskCache;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.LakehouseConfig;
import io.lakebeam.flight.LakebeamFlightServer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.SyncPutListener;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.impl.UnionListWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lakebeam aot-train}: the training run of the JDK's ahead-of-time cache (JEP 483/514/515).
 * Run under {@code -XX:AOTCacheOutput=FILE} (the launcher does so after a build), it does what a
 * server does after a start, over a throw-away lakehouse: insert, index, restart, warm up, then
 * describe, single and batch searches with output fields, and a batch read. With {@code
 * --s3-endpoint} (the launcher starts S3Proxy for it) it does the same again over a lakehouse in
 * object storage, through the disk cache and ranged block reads: the AWS SDK, S3FileIO and remote
 * segment classes a server of such a lakehouse loads on its first query (about 2,500 classes,
 * loaded from jars otherwise). The cache then holds those classes loaded and linked, and their
 * method profiles, so that {@code lakebeam serve} with {@code -XX:AOTCache=FILE} reaches its first
 * answer sooner.
 *
 * <pre>{@code
 * java -XX:AOTCacheOutput=cli/target/lakebeam.aot -cp ... io.lakebeam.cli.Main aot-train
 * }</pre>
 */
@Command(
    name = "aot-train",
    hidden = true,
    description = "Training run of the JDK AOT cache (used by ./lakebeam build).")
final class AotTrainingCommand implements Callable<Integer> {
  private static final String NAME = "aot_training";

  @Option(
      names = "--rows",
      defaultValue = "9000",
      description = "Rows; above the brute-force size (default: ${DEFAULT-VALUE})")
  int rows;

  @Option(
      names = "--dim",
      defaultValue = "64",
      description = "Dimension (default: ${DEFAULT-VALUE})")
  int dim;

  @Option(
      names = "--searches",
      defaultValue = "500",
      description = "Single-query searches (default: ${DEFAULT-VALUE})")
  int searches;

  @Option(
      names = "--s3-endpoint",
      description = "An S3-compatible endpoint with a writable bucket: train over it too")
  String s3Endpoint;

  @Option(
      names = "--s3-bucket",
      defaultValue = "lake",
      description = "Its bucket (${DEFAULT-VALUE})")
  String s3Bucket;

  @Option(names = "--s3-access-key", defaultValue = "lakebeam-aot")
  String s3AccessKey;

  @Option(names = "--s3-secret-key", defaultValue = "lakebeam-aot-secret")
  String s3SecretKey;

  @Override
  public Integer call() throws Exception {
    Path dir = Files.createTempDirectory("lakebeam-aot-training-");
    long start = System.nanoTime();
    try {
      String warehouse = dir.resolve("lake").toString();
      train(() -> Lakehouse.open(warehouse));
      if (s3Endpoint != null) {
        // a server of an object-storage lakehouse reads remote segments through its disk cache;
        // a budget below the full vectors' bytes serves them hot-pq, as at scale
        DiskCache.configureShared(dir.resolve("disk-cache"), "1g");
        System.setProperty("lakebeam.memory.bytes", Long.toString(rows * (dim * 4L + 48) / 2));
        LakehouseConfig s3 = LakehouseConfig.of(s3Lakehouse(dir));
        train(() -> Lakehouse.open(s3));
      }
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    System.out.printf("AOT training run done in %d ms%n", (System.nanoTime() - start) / 1_000_000);
    return 0;
  }

  private Map<String, String> s3Lakehouse(Path dir) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("warehouse", "s3://" + s3Bucket + "/aot-training");
    p.put("catalog.type", "jdbc");
    p.put("catalog.uri", "jdbc:sqlite:" + dir.resolve("s3-catalog.db"));
    p.put("s3.endpoint", s3Endpoint);
    p.put("s3.path-style-access", "true");
    p.put("s3.access-key-id", s3AccessKey);
    p.put("s3.secret-access-key", s3SecretKey);
    p.put("client.region", "us-east-1");
    return p;
  }

  /** One training round over the lakehouse {@code open} opens (twice: build, then restart). */
  private void train(Supplier<Lakehouse> open) throws Exception {
    SplittableRandom random = new SplittableRandom(483);
    try (BufferAllocator allocator = new RootAllocator()) {
      try (Lakehouse lake = open.get();
          LakebeamFlightServer server = LakebeamFlightServer.builder(lake).port(0).build().start();
          FlightClient client = client(allocator, server)) {
        action(client, "create_collection", Map.of("collection", NAME, "schema", schema()));
        for (int first = 0; first < rows; first += 3000) {
          put(client, allocator, first, Math.min(3000, rows - first), random);
        }
        action(
            client,
            "create_index",
            Map.of("collection", NAME, "params", Map.of("m", 8, "ef_construction", 32)));
      }
      // a restart: what `lakebeam serve` does over an existing lakehouse
      try (Lakehouse lake = open.get();
          LakebeamFlightServer server = LakebeamFlightServer.builder(lake).port(0).build().start();
          FlightClient client = client(allocator, server)) {
        server.awaitReady(10, TimeUnit.MINUTES);
        action(client, "list_collections", Map.of());
        action(client, "describe_collection", Map.of("collection", NAME));
        action(client, "server_status", Map.of());
        for (int i = 0; i < searches; i++) {
          search(client, 1, List.of("id", "text"), random);
        }
        for (int i = 0; i < 5; i++) {
          search(client, 100, List.of("id"), random);
        }
        read(client);
      }
    }
  }

  private static FlightClient client(BufferAllocator allocator, LakebeamFlightServer server) {
    return FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", server.port()))
        .build();
  }

  private Map<String, String> schema() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("id", "long");
    s.put("text", "string");
    s.put("embedding", "float_vector(" + dim + ")");
    return s;
  }

  private static void action(FlightClient client, String type, Object body) throws IOException {
    Iterator<Result> results = client.doAction(new Action(type, json(body)));
    while (results.hasNext()) {
      results.next();
    }
  }

  private void put(
      FlightClient client, BufferAllocator allocator, int first, int n, SplittableRandom random)
      throws Exception {
    Field item = Field.nullable("item", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE));
    Schema schema =
        new Schema(
            List.of(
                Field.nullable("id", new ArrowType.Int(64, true)),
                Field.nullable("text", ArrowType.Utf8.INSTANCE),
                new Field(
                    "embedding", FieldType.nullable(ArrowType.List.INSTANCE), List.of(item))));
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
        SyncPutListener ack = new SyncPutListener()) {
      root.allocateNew();
      BigIntVector id = (BigIntVector) root.getVector("id");
      VarCharVector text = (VarCharVector) root.getVector("text");
      UnionListWriter w = ((ListVector) root.getVector("embedding")).getWriter();
      for (int i = 0; i < n; i++) {
        id.setSafe(i, first + i);
        text.setSafe(i, ("row " + (first + i)).getBytes(StandardCharsets.UTF_8));
        w.setPosition(i);
        w.startList();
        for (float x : vector(random)) {
          w.float4().writeFloat4(x);
        }
        w.endList();
      }
      root.setRowCount(n);
      FlightClient.ClientStreamListener stream =
          client.startPut(FlightDescriptor.path(NAME), root, ack);
      stream.putNext();
      stream.completed();
      ack.getResult();
    }
  }

  private void search(FlightClient client, int queries, List<String> outputs, SplittableRandom r)
      throws Exception {
    ByteBuffer packed = ByteBuffer.allocate(4 * dim * queries).order(ByteOrder.LITTLE_ENDIAN);
    for (int q = 0; q < queries; q++) {
      for (float x : vector(r)) {
        packed.putFloat(x);
      }
    }
    Map<String, Object> ticket = new LinkedHashMap<>();
    ticket.put("v", 1);
    ticket.put("type", "search");
    ticket.put("collection", NAME);
    ticket.put("vectors_f32", Base64.getEncoder().encodeToString(packed.array()));
    ticket.put("dim", dim);
    ticket.put("top_k", 10);
    ticket.put("ef", 64);
    ticket.put("output_fields", outputs);
    drain(client.getStream(new Ticket(json(ticket))));
  }

  private static void read(FlightClient client) throws Exception {
    FlightInfo info =
        client.getInfo(
            FlightDescriptor.command(
                json(Map.of("type", "read", "collection", NAME, "columns", List.of("id")))));
    for (FlightEndpoint e : info.getEndpoints()) {
      drain(client.getStream(e.getTicket()));
    }
  }

  private static void drain(FlightStream stream) throws Exception {
    try (stream) {
      while (stream.next()) {
        stream.getRoot().getRowCount();
      }
    }
  }

  private float[] vector(SplittableRandom random) {
    float[] v = new float[dim];
    for (int j = 0; j < dim; j++) {
      v[j] = (float) random.nextGaussian();
    }
    return v;
  }

  private static byte[] json(Object value) throws IOException {
    return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(value);
  }
}
