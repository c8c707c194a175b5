package org.violence.lakehouse.analyst;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;
import org.violence.lakehouse.conf.UsageException;
import org.violence.lakehouse.io.Lakehouse;
import org.violence.lakehouse.io.SparkSessions;
import org.violence.lakehouse.io.Table;

/**
 * Tables as files that pandas reads on a machine with neither Spark nor a Parquet library (this
 * project's machines have Debian's pandas, and no pyarrow): for each table, {@code
 * <layer>.<table>.csv} (RFC 4180, UTF-8, a header, a missing value as {@code \N}) and
 * {@code <layer>.<table>.schema.json} with the table's description, the Delta version exported,
 * each column's type, comment and unit, and under {@code "pandas"} the arguments of
 * {@code pandas.read_csv} that give every column its type back: codes stay text with their
 * leading zeros ("01001"), whole numbers stay whole even where some are missing, dates are
 * dates. The README shows the one line of Python.
 *
 * <p>Both files come from one Delta version, read once; rows stream through the driver, so a
 * large table costs time, not memory.
 */
final class TableExport {
  /**
   * A missing value, as Hive and MySQL write it: an empty field is an empty string, which some
   * columns hold on purpose (a model without fixed effects).
   */
  static final String NULL = "\\N";
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);

  private TableExport() {}

  /**
   * The tables named in {@code names} ({@code gold.model_runs,...}), or every gold table when
   * null; only tables that exist, else a usage error naming the valid ones.
   */
  static List<Table> named(Lakehouse lakehouse, String names) {
    Map<String, Table> existing = SqlCatalog.tables().stream().filter(lakehouse::exists)
        .collect(Collectors.toMap(Table::qualifiedName, table -> table, (a, b) -> a,
            java.util.TreeMap::new));
    if (names == null) {
      return existing.values().stream().filter(t -> t.layer() == Table.Layer.GOLD).toList();
    }
    List<Table> tables = new ArrayList<>();
    for (String name : names.split(",")) {
      Table table = existing.get(name.trim());
      if (table == null) {
        throw new UsageException("--tables: no table '" + name.trim() + "' in "
            + lakehouse.root() + "; the tables are " + String.join(", ", existing.keySet()));
      }
      tables.add(table);
    }
    return tables;
  }

  /** Writes each table's two files into {@code folder} (any Hadoop path), replacing them. */
  static void export(Lakehouse lakehouse, List<Table> tables, String folder, PrintStream out) {
    Configuration hadoop = lakehouse.spark().sparkContext().hadoopConfiguration();
    for (Table table : tables) {
      long version = lakehouse.version(table);
      Dataset<Row> rows = lakehouse.readVersion(table, version);
      String base = folder + "/" + table.qualifiedName();
      long written = csv(hadoop, base + ".csv", rows);
      try {
        Html.write(hadoop, base + ".schema.json",
            JSON.writeValueAsBytes(schema(table, rows.schema(), version, written)));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + base + ".schema.json", e);
      }
      out.printf("%s (version %d): %,d rows -> %s.csv, %s.schema.json%n", table.qualifiedName(),
          version, written, base, base);
    }
  }

  /** Writes {@code rows} as the export's CSV; returns how many. */
  static long csv(Configuration hadoop, String file, Dataset<Row> rows) {
    return SparkSessions.describingJobs(rows.sparkSession(), "export " + file, () -> {
      try (Writer writer = new OutputStreamWriter(Html.create(hadoop, file),
          StandardCharsets.UTF_8)) {
        return print(rows, writer, NULL);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + file, e);
      }
    });
  }

  /**
   * Streams {@code rows} as RFC 4180 CSV with a header, a missing value as {@code nullText}:
   * nested values as JSON (Python reads them back with json.loads), the rest as Spark writes
   * them as text (doubles in full precision, dates and timestamps in ISO form). Returns how
   * many rows.
   */
  static long print(Dataset<Row> rows, Appendable out, String nullText) throws IOException {
    StructField[] fields = rows.schema().fields();
    Column[] asText = new Column[fields.length];
    for (int c = 0; c < fields.length; c++) {
      Column column = rows.col(fields[c].name());
      asText[c] = isNested(fields[c].dataType()) ? functions.to_json(column)
          : column.cast("string");
    }
    CSVPrinter csv = new CSVPrinter(out, CSVFormat.DEFAULT.builder()
        .setHeader(rows.columns()).setRecordSeparator('\n').build());
    Iterator<Row> text = rows.select(asText).toLocalIterator();
    List<String> values = new ArrayList<>(fields.length);
    long count = 0;
    while (text.hasNext()) {
      Row row = text.next();
      values.clear();
      for (int c = 0; c < fields.length; c++) {
        values.add(row.isNullAt(c) ? nullText : row.getString(c));
      }
      csv.printRecord(values);
      count++;
    }
    csv.flush();
    return count;
  }

  /** The schema file: what the table is, and how pandas gets its types back. */
  static ObjectNode schema(Table table, StructType schema, long version, long rows) {
    ObjectNode root = JSON.createObjectNode();
    root.put("table", table.qualifiedName());
    root.put("description", table.description());
    root.put("delta_version", version);
    root.put("rows", rows);
    ArrayNode columns = root.putArray("columns");
    ObjectNode pandas = JSON.createObjectNode();
    ObjectNode dtypes = pandas.putObject("dtype");
    ArrayNode dates = pandas.putArray("parse_dates");
    for (StructField field : schema.fields()) {
      ObjectNode column = columns.addObject();
      column.put("name", field.name());
      column.put("type", field.dataType().simpleString());
      column.put("comment", field.getComment().isDefined() ? field.getComment().get()
          : table.columns().get(field.name()));
      column.put("unit", table.units().get(field.name()));
      if (isDate(field.dataType())) {
        dates.add(field.name());
      } else {
        dtypes.put(field.name(), pandasType(field.dataType()));
      }
    }
    // \N is a missing value and nothing else is ("NA" is a real code in places).
    pandas.put("keep_default_na", false);
    pandas.putArray("na_values").add(NULL);
    pandas.putArray("true_values").add("true");
    pandas.putArray("false_values").add("false");
    root.set("pandas", pandas);
    return root;
  }

  /** pandas' nullable types: a missing whole number must not turn its column into floats. */
  static String pandasType(DataType type) {
    if (type instanceof ByteType) {
      return "Int8";
    } else if (type instanceof ShortType) {
      return "Int16";
    } else if (type instanceof IntegerType) {
      return "Int32";
    } else if (type instanceof LongType) {
      return "Int64";
    } else if (type instanceof FloatType) {
      return "float32";
    } else if (type instanceof NumericType) {
      return "float64";
    } else if (type instanceof BooleanType) {
      return "boolean";
    }
    return "string";
  }

  private static boolean isDate(DataType type) {
    return type instanceof DateType || type instanceof TimestampType
        || type instanceof TimestampNTZType;
  }

  private static boolean isNested(DataType type) {
    return type instanceof ArrayType || type instanceof MapType || type instanceof StructType;
  }
}
