package io.lakebeam.transforms.lake;

import java.io.Serializable;
import java.util.List;
import java.util.Set;
import org.apache.iceberg.DataFile;

/** Data files one bundle wrote (not yet committed), with the keys of their rows. */
record WrittenFiles(List<DataFile> files, Set<String> keys, long rows) implements Serializable {}
