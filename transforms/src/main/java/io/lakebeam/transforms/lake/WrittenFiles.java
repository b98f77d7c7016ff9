package io.lakebeam.transforms.lake;

import java.io.Serializable;
import java.util.List;
import java.util.Set;
import org.apache.iceberg.DataFile;

/**
 * Data files one bundle wrote (not yet committed), with the keys of their rows and the digest of
 * the rows, from which a write without an explicit id derives its id.
 */
record WrittenFiles(List<DataFile> files, Set<String> keys, long rows, RowDigest digest)
    implements Serializable {}
