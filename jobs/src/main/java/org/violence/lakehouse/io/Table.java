package org.violence.lakehouse.io;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * A lakehouse table's identity, declared once next to the code that builds it: its layer, name,
 * partitioning, and the meaning of every column (written into Delta as column comments so that
 * analysts see them in any SQL client).
 */
public record Table(
    Layer layer, String name, String description, List<String> partitionBy,
    Map<String, String> columns, StructType schema, String source, Map<String, String> units,
    Map<String, String> properties, List<Expectation> expectations, boolean large) {

  public enum Layer {
    BRONZE, SILVER, GOLD,
    /** The pipeline's own records: input manifest, run log, quality checks. */
    OPS;

    public String folder() {
      return name().toLowerCase();
    }
  }

  /** Qualified name used in logs and in the SQL shell: {@code silver.homicides}. */
  public String qualifiedName() {
    return layer.folder() + "." + name;
  }

  /**
   * {@code rows} in the table's typed columns ({@link Builder#column(String, DataType, String)}),
   * in its declared order and types: rows built this way have the declared schema, so an empty
   * version of the table can be written without planning how its rows would be built.
   */
  public Dataset<Row> conformed(Dataset<Row> rows) {
    return rows.select(Arrays.stream(schema.fields())
        .map(f -> functions.col(f.name()).cast(f.dataType()).as(f.name()))
        .toArray(Column[]::new));
  }

  public static Builder in(Layer layer, String name) {
    return new Builder(layer, name);
  }

  /** Collects the table's description and columns in the order they are written. */
  public static final class Builder {
    private final Layer layer;
    private final String name;
    private String description = "";
    private List<String> partitionBy = List.of();
    private final Map<String, String> columns = new LinkedHashMap<>();
    private StructType schema = new StructType();
    private String source = "";
    private final Map<String, String> units = new LinkedHashMap<>();
    /**
     * Delta's per-file minimum, maximum and null count (by default of a table's first 32
     * columns) are not collected; the row count still is. Every table here is a few files per
     * partition, or, for the microdata, files that each span every state, unit and cause, so
     * they would skip nothing that a partition does not, while computing them in each write
     * task (their expressions compiled per task) made warm runs take a fifth more CPU
     * (jobs/BENCHMARKS.md). A table whose files come to be clustered by a column can have them
     * again: {@code property("delta.dataSkippingStatsColumns", column)}.
     */
    private final Map<String, String> properties = new LinkedHashMap<>(
        Map.of("delta.dataSkippingNumIndexedCols", "0"));
    private final List<Expectation> expectations = new java.util.ArrayList<>();
    private boolean large;

    private Builder(Layer layer, String name) {
      this.layer = layer;
      this.name = name;
    }

    public Builder describedAs(String text) {
      this.description = text;
      return this;
    }

    public Builder partitionedBy(String... partitionColumns) {
      this.partitionBy = List.of(partitionColumns);
      return this;
    }

    public Builder column(String column, String comment) {
      columns.put(column, comment);
      return this;
    }

    /**
     * A typed column, for tables whose rows the pipeline makes itself: the schema is then
     * declared here once, with the comment ({@link Table#schema()}).
     */
    public Builder column(String column, DataType type, String comment) {
      schema = schema.add(column, type, true);
      return column(column, comment);
    }

    /** Where the rows come from, for the data dictionary: agencies, files, derivations. */
    public Builder sourcedFrom(String text) {
      this.source = text;
      return this;
    }

    /** The unit of a measured column (persons, homicides per 100,000 inhabitants, km). */
    public Builder unit(String column, String unit) {
      units.put(column, unit);
      return this;
    }

    /** A Delta table property ({@code delta.*}), set when the table is created. */
    public Builder property(String key, String value) {
      properties.put(key, value);
      return this;
    }

    /**
     * What must hold in the rows before they are written: an error-level expectation that
     * fails stops the run with this table and everything after it at their last good version.
     */
    public Builder expect(Expectation... rules) {
      expectations.addAll(List.of(rules));
      return this;
    }

    /**
     * Rows too many to keep in memory (national microdata): a run reads the table from Delta
     * each time a stage asks, where it keeps other tables after their first read.
     */
    public Builder large() {
      this.large = true;
      return this;
    }

    public Builder columns(Map<String, String> more) {
      columns.putAll(more);
      return this;
    }

    public Table build() {
      return new Table(layer, name, description, partitionBy, Map.copyOf(columns), schema,
          source, Map.copyOf(units), Map.copyOf(properties), List.copyOf(expectations), large);
    }
  }
}
