package io.lakebeam.cli;

/** A stage of the fault matrix: what runs when the kill comes. */
enum FaultStage {
  /** {@code lakebeam ingest documents}: the Beam pipeline from files to chunk vectors. */
  INGEST,
  /** {@code lakebeam cluster}: k-means whose columns are written back into the table. */
  WRITE_BACK,
  /** Flight DoPut batches with idempotency keys; the server is killed. */
  INSERT,
  /** {@code lakebeam index build}. */
  INDEX_BUILD,
  /** {@code lakebeam maintain compact} over small files, position deletes and an index. */
  COMPACTION
}
