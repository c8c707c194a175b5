package org.violence.lakehouse.bronze;

import java.nio.charset.Charset;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.violence.lakehouse.run.Quarantine;
import org.violence.lakehouse.io.BuildState;
import org.violence.lakehouse.io.InputException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.violence.lakehouse.conf.LakehouseConfig;
import org.violence.lakehouse.io.Lineage;
import org.violence.lakehouse.sources.ParsedFile;
import org.violence.lakehouse.io.TextFiles;

/**
 * Lands the files of one source: reads each file in its declared encoding, parses it, stamps
 * lineage, and separates refused lines for the quarantine. Agency exports are at most a few
 * megabytes, so they are parsed on the driver, which keeps exact line numbers and makes a bad file
 * fail at once with its name; bulk microdata goes through Spark's distributed CSV reader instead.
 */
public final class BronzeIngest {
  private final SparkSession spark;
  private final String inputsRoot;
  private final String runId;
  private final Timestamp loadTime;

  public BronzeIngest(SparkSession spark, String inputsRoot, String runId, Timestamp loadTime) {
    this.spark = spark;
    this.inputsRoot = LakehouseConfig.folder(inputsRoot);
    this.runId = runId;
    this.loadTime = loadTime;
  }

  /**
   * The landed rows of a source and the lines it refused, none when it refused none: the runner
   * then has nothing to count or write to the quarantine (a Spark job less for most sources).
   */
  public record Landed(Dataset<Row> rows, Optional<Dataset<Row>> quarantined) {}

  /**
   * One raw file of a source, relative to the inputs folder. A yearly file is the part of its
   * source for that year: a new or changed year rewrites only that year's rows.
   */
  public record RawFile(String path, Integer year) {
    public String part() {
      return year == null ? BuildState.WHOLE : year.toString();
    }
  }

  /** Lands the given files of a source (all of them, or the changed parts of a yearly one). */
  public Landed land(BronzeSource source, LakehouseConfig.SourceFile files, List<RawFile> toLand) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    Charset charset = Charset.forName(files.encoding());
    List<Row> rows = new ArrayList<>();
    List<Row> refused = new ArrayList<>();
    for (RawFile file : toLand) {
      List<String> lines = TextFiles.readLines(hadoop, inputsRoot + file.path(), file.path(),
          charset);
      ParsedFile<Row> parsed = source.parse(file.path(), lines, file.year());
      for (Row row : parsed.records()) {
        rows.add(withLineage(file.path(), row));
      }
      for (ParsedFile.Rejected rejected : parsed.rejected()) {
        refused.add(RowFactory.create(source.table().qualifiedName(), rejected.file(),
            rejected.lineNumber(), rejected.line(), rejected.reason(), file.part(), runId,
            loadTime));
      }
    }
    return new Landed(spark.createDataFrame(rows, withLineage(source.schema())),
        refused.isEmpty() ? Optional.empty()
            : Optional.of(spark.createDataFrame(refused, Quarantine.SCHEMA)));
  }

  /**
   * The files of a source; of a yearly family, only the files of the panel's years, so a run
   * over a few years reads a few files.
   */
  public List<RawFile> filesOf(LakehouseConfig.SourceFile files,
      LakehouseConfig.YearRange panelYears) {
    if (files.isYearly()) {
      return files.years().overlap(panelYears).mapToObj(year -> new RawFile(
          files.path().replace("{year}", Integer.toString(year)), year)).toList();
    }
    if (!files.path().matches(".*[*?\\[{].*")) {
      return List.of(new RawFile(files.path(), null));
    }
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    try {
      Path pattern = new Path(inputsRoot + files.path());
      FileStatus[] matches = pattern.getFileSystem(hadoop).globStatus(pattern);
      if (matches == null || matches.length == 0) {
        throw InputException.forFile(files.path(), "no file matches this pattern under "
            + inputsRoot);
      }
      String prefix = pattern.getFileSystem(hadoop).makeQualified(new Path(inputsRoot))
          .toString();
      return java.util.Arrays.stream(matches).map(m -> m.getPath().toString())
          .sorted()
          .map(p -> new RawFile(p.substring(prefix.length() + 1), null))
          .toList();
    } catch (java.io.IOException e) {
      throw InputException.forFile(files.path(), "cannot be listed: " + e.getMessage());
    }
  }

  /** Lineage first (file, line), then the parsed fields, then run and load time. */
  private Row withLineage(String file, Row parsed) {
    Object[] values = new Object[parsed.size() + 3];
    values[0] = file;
    for (int i = 0; i < parsed.size(); i++) {
      values[i + 1] = parsed.get(i);
    }
    values[parsed.size() + 1] = runId;
    values[parsed.size() + 2] = loadTime;
    return RowFactory.create(values);
  }

  static StructType withLineage(StructType parsed) {
    StructType schema = new StructType()
        .add(Lineage.SOURCE_FILE, DataTypes.StringType, false)
        .add(Lineage.LINE_NUMBER, DataTypes.LongType, false);
    for (var field : parsed.fields()) {
      schema = schema.add(field);
    }
    return schema.add(Lineage.RUN_ID, DataTypes.StringType, false)
        .add(Lineage.LOAD_TIME, DataTypes.TimestampType, false);
  }
}
