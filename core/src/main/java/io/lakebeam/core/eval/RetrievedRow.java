package io.lakebeam.core.eval;

/**
 * A row a retrieval system returned: Iceberg's {@code _file} and {@code _pos}.
 *
 * @param file the data file's path
 * @param pos the row's position in it
 */
public record RetrievedRow(String file, long pos) {}
