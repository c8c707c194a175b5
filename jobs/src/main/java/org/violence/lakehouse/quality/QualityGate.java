package org.violence.lakehouse.quality;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.functions;
import org.violence.lakehouse.io.Expectation;
import org.violence.lakehouse.io.Table;

/**
 * Evaluates each table's declared expectations on the rows about to be written, keeps
 * every result for {@code ops.quality_checks}, and stops the run on an error-level failure, so
 * the table and everything downstream of it stay at their last good version.
 */
public final class QualityGate {
  public static final Table TABLE = Table.in(Table.Layer.OPS, "quality_checks")
      .describedAs("Every expectation evaluated by a run, on the rows it was about to write")
      .column("run_id", DataTypes.StringType, "Run that evaluated the expectation")
      .column("table_name", DataTypes.StringType, "Table whose candidate rows were checked")
      .column("parts", DataTypes.StringType,
          "Parts (years) of the table that were checked, or 'whole'")
      .column("level", DataTypes.StringType,
          "ERROR stops the run before the table is written; WARNING is reported")
      .column("expectation", DataTypes.StringType, "What must hold")
      .column("status", DataTypes.StringType, "Success or Failure")
      .column("message", DataTypes.StringType,
          "How many rows violate it (empty on success)")
      .column("checked_at", DataTypes.TimestampType, "When it was evaluated (UTC)")
      .build();


  static final String SUCCESS = "Success";
  static final String FAILURE = "Failure";

  private final String runId;
  /** Appended to by stages running concurrently. */
  private final List<Row> results = java.util.Collections.synchronizedList(new ArrayList<>());

  /** A gate for one run: each table brings its own expectations ({@link Table#expectations}). */
  public QualityGate(String runId) {
    this.runId = runId;
  }

  /** Whether {@code table} has expectations, so that {@link #check} reads its rows. */
  public boolean checks(Table table) {
    return !table.expectations().isEmpty();
  }

  /**
   * Checks the candidate rows of {@code table}; throws when an error-level expectation fails.
   * All expectations are evaluated by one aggregation over the rows (Deequ, used before, ran
   * a pass per key and ~30 Spark jobs for the panel): on tables of a few thousand rows, a
   * gate costs its passes, not its rows.
   */
  public void check(Table table, Dataset<Row> candidate, String parts) {
    List<Expectation> declared = table.expectations();
    if (declared.isEmpty()) {
      return;
    }
    Timestamp now = Timestamp.from(Instant.now());
    List<Column> measures = new ArrayList<>();
    measures.add(count(lit(1)));
    declared.forEach(expectation -> measures.addAll(violations(expectation)));
    // A table that is not large (thousands of rows; the full panel ~62,000) is measured in one
    // task: one partition needs no exchange, so the aggregation, distinct keys included, is one
    // Spark job instead of two or three.
    Dataset<Row> checked = table.large() ? candidate : candidate.coalesce(1);
    Row measured = checked.agg(measures.get(0),
        measures.subList(1, measures.size()).toArray(Column[]::new)).first();
    long rows = measured.getLong(0);
    List<String> failures = new ArrayList<>();
    int next = 1;
    for (Expectation expectation : declared) {
      String message;
      if (expectation.kind() == Expectation.Kind.UNIQUE_KEY) {
        long duplicates = rows - measured.getLong(next++);
        long missingKey = measured.getLong(next++);
        message = describe(duplicates, "row(s) repeat a key of another row")
            + (duplicates > 0 && missingKey > 0 ? "; " : "")
            + describe(missingKey, "row(s) have no key at all");
      } else {
        long violating = measured.getLong(next++);
        message = describe(violating, "of " + rows + " row(s) violate it");
        if (expectation.locatedBy() != null) {
          Object first = measured.get(next++);
          Object last = measured.get(next++);
          if (violating > 0) {
            message += ", " + expectation.locatedBy() + " " + first
                + (Objects.equals(first, last) ? "" : " to " + last);
          }
        }
      }
      boolean holds = message.isEmpty();
      results.add(RowFactory.create(runId, table.qualifiedName(), parts,
          expectation.level().name(), expectation.description(), holds ? SUCCESS : FAILURE,
          rows == 0 ? "no rows to check" : message, now));
      if (expectation.level() == Expectation.Level.ERROR && !holds) {
        failures.add(expectation.description() + " (" + message + ")");
      }
    }
    if (!failures.isEmpty()) {
      throw new QualityGateException(table, parts, failures);
    }
  }

  /**
   * Counts measured for an expectation. A key is unique when its distinct values are as many as
   * the rows (nulls compare equal, so two rows with the same partly-null key are duplicates) and
   * no row's key is null in every column; a condition that is null counts as violated.
   */
  private static List<Column> violations(Expectation expectation) {
    switch (expectation.kind()) {
      case UNIQUE_KEY:
        Column[] key = expectation.columns().stream().map(functions::col)
            .toArray(Column[]::new);
        Column allNull = Arrays.stream(key).map(Column::isNull).reduce(Column::and).orElseThrow();
        return List.of(countDistinct(struct(key)), countWhere(allNull));
      case NOT_NULL:
        return violated(expectation, col(expectation.columns().get(0)).isNull());
      default:
        return violated(expectation, not(coalesce(expr(expectation.condition()), lit(false))));
    }
  }

  /** The count of rows that violate, and where asked the range they lie in (same pass). */
  private static List<Column> violated(Expectation expectation, Column violation) {
    if (expectation.locatedBy() == null) {
      return List.of(countWhere(violation));
    }
    Column located = when(violation, col(expectation.locatedBy()));
    return List.of(countWhere(violation), min(located), max(located));
  }

  private static Column countWhere(Column condition) {
    return coalesce(sum(when(condition, 1L).otherwise(0L)), lit(0L));
  }

  private static String describe(long count, String what) {
    return count == 0 ? "" : count + " " + what;
  }

  /** The results gathered so far, for {@code ops.quality_checks}. */
  public Dataset<Row> results(SparkSession spark) {
    return spark.createDataFrame(snapshot(), TABLE.schema());
  }

  public List<Row> failedWarnings() {
    return snapshot().stream().filter(r -> "WARNING".equals(r.getString(3))
        && !"Success".equals(r.getString(5))).toList();
  }

  private List<Row> snapshot() {
    synchronized (results) {
      return List.copyOf(results);
    }
  }

  /** An error-level expectation failed: the run stops before writing the table. */
  public static final class QualityGateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    QualityGateException(Table table, String parts, List<String> failures) {
      super(table.qualifiedName() + " (" + parts + ") failed its quality gate: "
          + String.join("; ", failures)
          + ". Nothing was written to it or to any table built from it.");
    }
  }
}
