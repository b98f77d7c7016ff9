package io.lakebeam.cli;

import io.lakebeam.core.lake.ExternalFiles;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.LakehouseConfig;
import io.lakebeam.core.lake.Metric;
import io.lakebeam.embeddings.Models;
import io.lakebeam.embeddings.OnnxTextEmbedder;
import io.lakebeam.embeddings.TextEmbedder;
import io.lakebeam.flight.LakebeamFlightServer;
import io.lakebeam.transforms.documents.DocumentIngest;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lakebeam quickstart}: the whole online path on the embedded default. Embeds real passages
 * with all-MiniLM-L6-v2, writes them as plain Parquet files, registers them in place as an external
 * collection, builds the index, serves it over Flight and searches through a Flight client.
 */
@Command(
    name = "quickstart",
    description = "Create a local lakehouse with real data, index it, serve it and search it.")
final class QuickstartCommand implements Callable<Integer> {
  static final String COLLECTION = "quickstart_docs";
  static final String[] QUERIES = {
    "Can I redistribute modified versions of this software?",
    "There is no warranty for the program",
    "patent license granted by contributors",
  };

  @Mixin LakehouseOption lakehouse;

  @Option(
      names = "--rows",
      defaultValue = "1000",
      description = "Passages to embed (default: ${DEFAULT-VALUE})")
  int rows;

  @Option(names = "--port", defaultValue = "8815", description = "Flight port; 0 picks a free one")
  int port;

  @Option(
      names = "--documents",
      defaultValue = "16",
      description = "Raw documents to ingest with the Beam pipeline (default: ${DEFAULT-VALUE})")
  int documents;

  @Option(names = "--serve", description = "Keep serving after the demo searches")
  boolean serve;

  @Override
  public Integer call() throws Exception {
    long t0 = System.nanoTime();
    Path dir = Paths.get(lakehouse.location()).toAbsolutePath();
    step("Lakehouse at " + dir + " (Iceberg Hadoop catalog, no server)");
    List<SampleCorpus.Passage> passages = SampleCorpus.load(rows);
    step(
        "Read "
            + passages.size()
            + " real passages from /usr/share/common-licenses and /usr/share/doc");
    float[][] vectors;
    long te = System.nanoTime();
    try (TextEmbedder model = OnnxTextEmbedder.load(Models.ALL_MINILM_L6_V2)) {
      vectors = model.embed(passages.stream().map(SampleCorpus.Passage::text).toList());
      step(
          String.format(
              "Embedded them with %s (%d-d, ONNX Runtime) at %.0f passages/s",
              model.modelName(),
              model.dimension(),
              passages.size() / ((System.nanoTime() - te) / 1e9)));
    }
    Path data = dir.resolve("sample-data").resolve("docs");
    List<Path> files = SampleParquet.write(data, passages, vectors, 4);
    step(
        "Wrote " + files.size() + " plain Parquet files to " + data + " (your existing lake data)");
    try (Lakehouse lake =
        Lakehouse.open(
            LakehouseConfig.of(dir.toString()).withAllowedSources(List.of(data.toString())))) {
      if (lake.hasCollection(COLLECTION)) {
        lake.dropCollection(COLLECTION, false);
      }
      Map<String, String> schema = new LinkedHashMap<>();
      schema.put("text", "string");
      schema.put("embedding", "float_vector(" + vectors[0].length + ")");
      ExternalFiles.Result reg =
          lake.createExternalCollection(
              COLLECTION, data + "/*.parquet", schema, Metric.COSINE, true);
      step(
          "Registered them in place as external collection '"
              + COLLECTION
              + "': "
              + reg.addedFiles()
              + " files, "
              + reg.rows()
              + " rows, nothing copied");
      var built =
          lake.indexes()
              .build(
                  lake.collection(COLLECTION),
                  "embedding",
                  null,
                  io.lakebeam.core.index.IndexParams.defaults());
      step(
          String.format(
              "Built the jVector index: %d vectors in %.2f s, registered in the table's metadata"
                  + " (Puffin manifest, snapshot %d)",
              built.rowsIndexed(), built.seconds(), built.snapshotId()));
      Path raw = dir.resolve("sample-data").resolve("raw");
      int copied = QuickstartIngest.collect(raw, documents);
      long ti = System.nanoTime();
      DocumentIngest kb = DocumentIngest.of(raw.toString(), lake, QuickstartIngest.NAMESPACE);
      var ingest = QuickstartIngest.run(kb);
      double ingestSeconds = (System.nanoTime() - ti) / 1e9;
      var summary =
          IngestSummary.of(
              ingest, org.apache.beam.runners.direct.DirectRunner.class, ingestSeconds);
      kb.refreshIndex();
      step(
          String.format(
              "Ingested %d raw documents with Apache Beam (Tika -> chunks -> %s -> Iceberg) into"
                  + " %s.documents/.chunks in %.1f s: %s documents, %s chunks, %s unchanged,"
                  + " %s failed; index built",
              copied,
              Models.ALL_MINILM_L6_V2.name(),
              QuickstartIngest.NAMESPACE,
              ingestSeconds,
              summary.get("documents"),
              summary.get("chunks"),
              summary.get("skipped"),
              summary.get("failures")));
      try (LakebeamFlightServer server = startServer(lake)) {
        step("Serving over Arrow Flight at " + server.uri());
        searchThroughFlight(server.uri());
        searchTextThroughFlight(server.uri());
        System.out.println();
        System.out.println(
            "Connect from Python (./lakebeam serve --lakehouse "
                + dir
                + " --port "
                + server.port()
                + "):");
        System.out.println("  from lakebeam import LakebeamClient");
        System.out.println("  client = LakebeamClient(\"" + server.uri() + "\")");
        System.out.println(
            "  client.search(collection_name=\""
                + COLLECTION
                + "\", data=[vector], top_k=5, output_fields=[\"text\"])");
        System.out.println(
            "  client.search(\""
                + QuickstartIngest.NAMESPACE
                + ".chunks\", data=\"how do I report a bug?\", output_fields=[\"uri\", \"text\"])");
        System.out.println("or with plain pyarrow.flight: see docs/flight-protocol.md");
        System.out.printf("Quickstart finished in %.1f s.%n", (System.nanoTime() - t0) / 1e9);
        if (serve) {
          System.out.println("Lakebeam Flight server listening on " + server.uri());
          server.awaitTermination();
        }
      }
    }
    return 0;
  }

  private LakebeamFlightServer startServer(Lakehouse lake) throws Exception {
    try {
      return LakebeamFlightServer.builder(lake).port(port).build().start();
    } catch (java.io.IOException e) {
      step("Port " + port + " is busy; using a free port");
      return LakebeamFlightServer.builder(lake).port(0).build().start();
    }
  }

  private static void searchThroughFlight(String uri) throws Exception {
    try (RootAllocator allocator = new RootAllocator();
        FlightClient client = FlightClient.builder(allocator, new Location(uri)).build();
        TextEmbedder model = OnnxTextEmbedder.load(Models.ALL_MINILM_L6_V2)) {
      for (String q : QUERIES) {
        float[] v = model.embed(q);
        List<Float> boxed = new ArrayList<>();
        for (float x : v) {
          boxed.add(x);
        }
        Map<String, Object> ticket = new LinkedHashMap<>();
        ticket.put("v", 1);
        ticket.put("type", "search");
        ticket.put("collection", COLLECTION);
        ticket.put("vectors", List.of(boxed));
        ticket.put("top_k", 3);
        ticket.put("output_fields", List.of("text", "source"));
        byte[] bytes = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(ticket);
        long t = System.nanoTime();
        try (FlightStream stream = client.getStream(new Ticket(bytes))) {
          System.out.printf("%nQuery: \"%s\"%n", q);
          while (stream.next()) {
            VectorSchemaRoot root = stream.getRoot();
            for (int i = 0; i < root.getRowCount(); i++) {
              String text = root.getVector("text").getObject(i).toString();
              System.out.printf(
                  "  %.3f  %s%n         (%s)%n",
                  ((Number) root.getVector("_score").getObject(i)).floatValue(),
                  text.length() > 110 ? text.substring(0, 110) + "..." : text,
                  root.getVector("source").getObject(i));
            }
          }
          System.out.printf("  [%.1f ms through Flight]%n", (System.nanoTime() - t) / 1e6);
        }
      }
    }
  }

  /** A text query that the server embeds itself with the chunks' recorded model. */
  private static void searchTextThroughFlight(String uri) throws Exception {
    String q = "what may I do when I redistribute modified copies?";
    Map<String, Object> ticket = new LinkedHashMap<>();
    ticket.put("v", 1);
    ticket.put("type", "search");
    ticket.put("collection", QuickstartIngest.NAMESPACE + ".chunks");
    ticket.put("texts", List.of(q));
    ticket.put("top_k", 3);
    ticket.put("output_fields", List.of("uri", "text"));
    byte[] bytes = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(ticket);
    try (RootAllocator allocator = new RootAllocator();
        FlightClient client = FlightClient.builder(allocator, new Location(uri)).build();
        FlightStream stream = client.getStream(new Ticket(bytes))) {
      System.out.printf("%nText query (embedded by the server): \"%s\"%n", q);
      while (stream.next()) {
        VectorSchemaRoot root = stream.getRoot();
        for (int i = 0; i < root.getRowCount(); i++) {
          String text = root.getVector("text").getObject(i).toString().replaceAll("\\s+", " ");
          System.out.printf(
              "  %.3f  %s%n         (%s)%n",
              ((Number) root.getVector("_score").getObject(i)).floatValue(),
              text.length() > 110 ? text.substring(0, 110) + "..." : text,
              root.getVector("uri").getObject(i));
        }
      }
    }
  }

  private static void step(String message) {
    System.out.println("==> " + message);
    System.out.flush();
  }
}
