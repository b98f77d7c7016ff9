package io.lakebeam.transforms.lake;

import java.io.Serializable;
import org.apache.iceberg.DataFile;

/** A data file rewritten with new column values (not yet committed), and the file it replaces. */
record RewrittenFile(String oldPath, DataFile file, long valuedRows) implements Serializable {}
