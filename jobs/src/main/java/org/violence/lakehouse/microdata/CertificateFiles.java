package org.violence.lakehouse.microdata;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.hadoop.io.compress.SplittableCompressionCodec;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;
import org.apache.hadoop.mapreduce.lib.input.LineRecordReader;
import org.apache.hadoop.mapreduce.task.TaskAttemptContextImpl;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.network.util.JavaUtils;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.catalog.TableProvider;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;
import org.violence.lakehouse.io.Lineage;

/**
 * INEGI's yearly certificate files as a Spark source: one row per certificate line, with the
 * file's year and name, INEGI's columns as text and the raw line of a malformed one (the bronze
 * table's columns but the run's). Each file is cut into pieces at Spark's split size and read
 * with Hadoop's line reader, so large files are read in parallel, compressed ones decompressed,
 * and a line crossing a piece's end read once, by the piece it starts in.
 *
 * <p>Why a source and not Spark's text source and a function of the line: the lines go straight
 * from the file's buffer to Spark's row, each field copied once (see {@link LineFields}). Through
 * the text source, a line was copied into a string, into bytes for the function, into a byte
 * array per field, converted from a Java row and copied again: about a fifth of the bronze stage
 * at national scale (jobs/BENCHMARKS.md).
 *
 * <p>Public because Spark loads it by name ({@code format}); {@link DeathRecords#read} is how the
 * product reads the files, with the options it writes: {@value #ENCODING}, {@value #FILES} and,
 * for each file {@code i}, {@code path.i} (its URI), {@code name.i} (as the table records it),
 * {@code year.i} and {@code header.i} (its header line, which says where each column sits).
 */
public final class CertificateFiles implements TableProvider {
  static final String ENCODING = "encoding";
  static final String FILES = "files";

  /** The rows' schema: the bronze table's but the run's lineage. */
  static final StructType SCHEMA = schema();

  @Override
  public StructType inferSchema(CaseInsensitiveStringMap options) {
    return SCHEMA;
  }

  @Override
  public org.apache.spark.sql.connector.catalog.Table getTable(StructType schema,
      Transform[] partitioning, Map<String, String> properties) {
    return new Files(properties);
  }

  static Map<String, String> options(String encoding, List<String> uris, List<String> names,
      List<Integer> years, List<String> headers) {
    Map<String, String> options = new java.util.HashMap<>(Map.of(ENCODING, encoding,
        FILES, Integer.toString(uris.size())));
    for (int i = 0; i < uris.size(); i++) {
      options.put("path." + i, uris.get(i));
      options.put("name." + i, names.get(i));
      options.put("year." + i, years.get(i).toString());
      options.put("header." + i, headers.get(i));
    }
    return options;
  }

  private static StructType schema() {
    // Nullable as the table's columns are, so that its schema is the same whichever way it was
    // first written.
    StructType schema = new StructType()
        .add(DeathRecords.YEAR, DataTypes.IntegerType, true)
        .add(Lineage.SOURCE_FILE, DataTypes.StringType, true);
    for (String column : DeathRecords.COLUMNS.keySet()) {
      schema = schema.add(column, DataTypes.StringType, true);
    }
    return schema.add(DeathRecords.MALFORMED_LINE, DataTypes.StringType, true);
  }

  /** The files of one read: table, scan and batch at once, as they hold the same things. */
  private static final class Files implements SupportsRead, ScanBuilder, Scan, Batch {
    private final Map<String, String> options;
    private final List<String> uris = new ArrayList<>();
    private final List<LineFields.Layout> layouts = new ArrayList<>();

    Files(Map<String, String> properties) {
      // Spark hands the options over with their keys in lower case.
      this.options = new CaseInsensitiveStringMap(properties);
      int files = Integer.parseInt(options.get(FILES));
      Configuration hadoop = SparkSession.active().sparkContext().hadoopConfiguration();
      for (int i = 0; i < files; i++) {
        String name = options.get("name." + i);
        String header = options.get("header." + i);
        uris.add(qualified(hadoop, options.get("path." + i)));
        layouts.add(LineFields.Layout.of(name, Integer.parseInt(options.get("year." + i)),
            DeathRecords.positionsOf(DeathRecords.columnsOfHeader(header, name)), header));
      }
    }

    /**
     * The path with its file system and, when relative, the driver's folder: executors run in
     * folders of their own, where "data-samples/..." is nowhere.
     */
    private static String qualified(Configuration hadoop, String uri) {
      Path path = new Path(uri);
      try {
        return path.getFileSystem(hadoop).makeQualified(path).toString();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot resolve " + uri, e);
      }
    }

    @Override
    public String name() {
      return "INEGI death-certificate files " + uris;
    }

    @Override
    public StructType schema() {
      return SCHEMA;
    }

    @Override
    public Set<TableCapability> capabilities() {
      return Set.of(TableCapability.BATCH_READ);
    }

    @Override
    public ScanBuilder newScanBuilder(CaseInsensitiveStringMap ignored) {
      return this;
    }

    @Override
    public Scan build() {
      return this;
    }

    @Override
    public StructType readSchema() {
      return SCHEMA;
    }

    @Override
    public Batch toBatch() {
      return this;
    }

    /**
     * The files' pieces packed into partitions as Spark packs a file scan's: pieces of at most
     * the split size, the largest first, each partition filled up to it, a file's opening costed
     * as that many bytes ({@code spark.sql.files.*}).
     */
    @Override
    public InputPartition[] planInputPartitions() {
      SparkSession spark = SparkSession.active();
      Configuration hadoop = spark.sparkContext().hadoopConfiguration();
      long maxPartitionBytes = bytes(spark, "spark.sql.files.maxPartitionBytes", "128m");
      long openCost = bytes(spark, "spark.sql.files.openCostInBytes", "4m");
      CompressionCodecFactory codecs = new CompressionCodecFactory(hadoop);
      List<Piece> pieces = new ArrayList<>();
      long total = 0;
      List<Long> lengths = new ArrayList<>();
      for (String uri : uris) {
        Path path = new Path(uri);
        try {
          long length = path.getFileSystem(hadoop).getFileStatus(path).getLen();
          lengths.add(length);
          total += length + openCost;
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read " + uri, e);
        }
      }
      long splitSize = Math.min(maxPartitionBytes, Math.max(openCost,
          total / Math.max(1, spark.sparkContext().defaultParallelism())));
      for (int file = 0; file < uris.size(); file++) {
        CompressionCodec codec = codecs.getCodec(new Path(uris.get(file)));
        long length = lengths.get(file);
        long step = codec == null || codec instanceof SplittableCompressionCodec ? splitSize
            : Math.max(length, 1);
        for (long start = 0; start < length; start += step) {
          pieces.add(new Piece(file, start, Math.min(step, length - start)));
        }
      }
      pieces.sort(Comparator.comparingLong(Piece::length).reversed());
      List<InputPartition> partitions = new ArrayList<>();
      List<Piece> current = new ArrayList<>();
      long size = 0;
      for (Piece piece : pieces) {
        if (!current.isEmpty() && size + piece.length() > splitSize) {
          partitions.add(new Pieces(List.copyOf(current)));
          current.clear();
          size = 0;
        }
        current.add(piece);
        size += piece.length() + openCost;
      }
      if (!current.isEmpty()) {
        partitions.add(new Pieces(List.copyOf(current)));
      }
      return partitions.toArray(InputPartition[]::new);
    }

    @Override
    public PartitionReaderFactory createReaderFactory() {
      // Broadcast, as Spark's file sources do: the configuration is tens of KB, once per executor
      // instead of once per task.
      JavaSparkContext context = JavaSparkContext.fromSparkContext(
          SparkSession.active().sparkContext());
      return new Readers(List.copyOf(uris), List.copyOf(layouts), options.get(ENCODING),
          context.broadcast(new HadoopConfiguration(context.hadoopConfiguration())));
    }

    private static long bytes(SparkSession spark, String key, String fallback) {
      return JavaUtils.byteStringAsBytes(spark.conf().get(key, fallback));
    }
  }

  /** Bytes {@code [start, start + length)} of file {@code file}. */
  private record Piece(int file, long start, long length) implements Serializable {}

  /** What one task reads. */
  private record Pieces(List<Piece> pieces) implements InputPartition {}

  /** Hadoop's configuration, which is not serializable itself, shipped with the readers. */
  private static final class HadoopConfiguration implements Serializable {
    private static final long serialVersionUID = 1L;
    private transient Configuration configuration;

    HadoopConfiguration(Configuration configuration) {
      this.configuration = configuration;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
      out.defaultWriteObject();
      configuration.write(out);
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      configuration = new Configuration(false);
      configuration.readFields(in);
    }
  }

  private record Readers(List<String> uris, List<LineFields.Layout> layouts, String encoding,
      Broadcast<HadoopConfiguration> hadoop) implements PartitionReaderFactory {
    @Override
    public PartitionReader<InternalRow> createReader(InputPartition partition) {
      return new Reader(this, ((Pieces) partition).pieces());
    }
  }

  /** A task's pieces, one after the other, line by line. */
  private static final class Reader implements PartitionReader<InternalRow> {
    private final Readers files;
    private final Charset charset;
    private final java.util.Iterator<Piece> pieces;
    private LineRecordReader lines;
    private LineFields fields;
    private InternalRow row;

    Reader(Readers files, List<Piece> pieces) {
      this.files = files;
      this.charset = Charset.forName(files.encoding());
      this.pieces = pieces.iterator();
    }

    @Override
    public boolean next() throws IOException {
      while (true) {
        if (lines == null) {
          if (!pieces.hasNext()) {
            return false;
          }
          open(pieces.next());
        }
        while (lines.nextKeyValue()) {
          org.apache.hadoop.io.Text line = lines.getCurrentValue();
          row = fields.of(line.getBytes(), line.getLength());
          if (row != null) {
            return true;
          }
        }
        lines.close();
        lines = null;
      }
    }

    private void open(Piece piece) throws IOException {
      Configuration hadoop = files.hadoop().value().configuration;
      lines = new LineRecordReader();
      lines.initialize(new FileSplit(new Path(files.uris().get(piece.file())), piece.start(),
          piece.length(), new String[0]), new TaskAttemptContextImpl(hadoop,
          new TaskAttemptID()));
      fields = new LineFields(files.layouts().get(piece.file()), charset);
    }

    @Override
    public InternalRow get() {
      return row;
    }

    @Override
    public void close() throws IOException {
      if (lines != null) {
        lines.close();
      }
    }
  }
}
