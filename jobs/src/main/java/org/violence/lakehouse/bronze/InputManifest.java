package org.violence.lakehouse.bronze;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Timestamp;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.violence.lakehouse.io.Fingerprints;
import org.violence.lakehouse.io.InputException;
import org.violence.lakehouse.io.Table;

/**
 * Every raw input of a run with its size and checksum. The checksums decide what a nightly run
 * rebuilds: a bronze part is landed again only when one of its files' checksums changed.
 */
public final class InputManifest {
  public static final Table TABLE = Table.in(Table.Layer.OPS, "input_manifest")
      .describedAs("Raw input files as of the last run that changed any of them")
      .column("source", DataTypes.StringType, "Source key in the configuration (sources:)")
      .column("path", DataTypes.StringType, "File, relative to the inputs folder")
      .column("part", DataTypes.StringType, "Year of a yearly file, or 'whole'")
      .column("size_bytes", DataTypes.LongType, "Size of the file")
      .column("sha256", DataTypes.StringType, "SHA-256 of the file's bytes")
      .column("modified_time", DataTypes.TimestampType, "File system modification time (UTC)")
      .build();


  /** One input file as found on disk. */
  public record Entry(String source, BronzeIngest.RawFile file, long size, String sha256,
      long modifiedMillis) {}

  private InputManifest() {}

  /** Checksums one file; a missing file is a bad input naming the file. */
  public static Entry scan(Configuration hadoop, String inputsRoot, String source,
      BronzeIngest.RawFile file) {
    Path path = new Path(inputsRoot + file.path());
    try {
      FileSystem fs = path.getFileSystem(hadoop);
      if (!fs.exists(path)) {
        throw InputException.forFile(file.path(), "file is missing (looked for " + path + ")");
      }
      FileStatus status = fs.getFileStatus(path);
      try (InputStream in = fs.open(path)) {
        return new Entry(source, file, status.getLen(), Fingerprints.of(in),
            status.getModificationTime());
      }
    } catch (IOException e) {
      throw InputException.forFile(file.path(), "cannot be read: " + e.getMessage());
    }
  }

  public static Dataset<Row> rows(SparkSession spark, List<Entry> entries) {
    return spark.createDataFrame(entries.stream().map(e -> RowFactory.create(e.source(),
        e.file().path(), e.file().part(), e.size(), e.sha256(),
        new Timestamp(e.modifiedMillis()))).toList(), TABLE.schema());
  }
}
