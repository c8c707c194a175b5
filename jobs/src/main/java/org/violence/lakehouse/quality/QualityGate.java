package org.violence.lakehouse.quality;

import com.amazon.deequ.VerificationResult;
import com.amazon.deequ.VerificationRunBuilder;
import com.amazon.deequ.checks.Check;
import com.amazon.deequ.checks.CheckLevel;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.violence.lakehouse.io.Table;
import scala.Option;
import scala.collection.JavaConverters;

/**
 * Evaluates each table's declared expectations on the rows about to be written (with Deequ), keeps
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
          "Deequ's explanation of a failure (empty on success)")
      .column("checked_at", DataTypes.TimestampType, "When it was evaluated (UTC)")
      .build();


  private final String runId;
  private final Map<Table, List<Expectation>> expectations;
  private final List<Row> results = new ArrayList<>();

  public QualityGate(String runId, Map<Table, List<Expectation>> expectations) {
    this.runId = runId;
    this.expectations = expectations;
  }

  /** Whether {@code table} has expectations, so that {@link #check} reads its rows. */
  public boolean checks(Table table) {
    return !expectations.getOrDefault(table, List.of()).isEmpty();
  }

  /** Checks the candidate rows of {@code table}; throws when an error-level expectation fails. */
  public void check(Table table, Dataset<Row> candidate, String parts) {
    List<Expectation> declared = expectations.getOrDefault(table, List.of());
    if (declared.isEmpty()) {
      return;
    }
    Timestamp now = Timestamp.from(Instant.now());
    if (candidate.isEmpty()) {
      // Removing parts (a year taken out of the range) writes no rows; row rules hold vacuously,
      // while Deequ would report an empty metric as a failure.
      declared.forEach(expectation -> results.add(RowFactory.create(runId,
          table.qualifiedName(), parts, expectation.level().name(), expectation.description(),
          "Success", "no rows to check", now)));
      return;
    }
    // One Deequ run per table: all expectations are computed in the same pass of aggregations.
    VerificationRunBuilder run = new VerificationRunBuilder(candidate);
    declared.forEach(expectation -> run.addCheck(toDeequ(expectation)));
    VerificationResult result = run.run();
    Map<String, Row> outcomes = new java.util.HashMap<>();
    VerificationResult.checkResultsAsDataFrame(candidate.sparkSession(), result,
            VerificationResult.checkResultsAsDataFrame$default$3()).collectAsList()
        .forEach(row -> outcomes.put(row.getAs("check"), row));
    List<String> failures = new ArrayList<>();
    for (Expectation expectation : declared) {
      Row outcome = outcomes.get(expectation.description());
      String status = outcome.getAs("constraint_status");
      String message = outcome.getAs("constraint_message");
      results.add(RowFactory.create(runId, table.qualifiedName(), parts,
          expectation.level().name(), expectation.description(), status, message, now));
      if (expectation.level() == Expectation.Level.ERROR && !"Success".equals(status)) {
        failures.add(expectation.description() + (message == null || message.isEmpty() ? ""
            : " (" + message + ")"));
      }
    }
    if (!failures.isEmpty()) {
      throw new QualityGateException(table, parts, failures);
    }
  }

  /** The results gathered so far, for {@code ops.quality_checks}. */
  public Dataset<Row> results(SparkSession spark) {
    return spark.createDataFrame(List.copyOf(results), TABLE.schema());
  }

  public List<Row> failedWarnings() {
    return results.stream().filter(r -> "WARNING".equals(r.getString(3))
        && !"Success".equals(r.getString(5))).toList();
  }

  private static Check toDeequ(Expectation expectation) {
    Check check = new Check(expectation.level() == Expectation.Level.ERROR
        ? CheckLevel.Error() : CheckLevel.Warning(), expectation.description(),
        JavaConverters.asScalaBuffer(List.<com.amazon.deequ.constraints.Constraint>of()).toSeq());
    return switch (expectation.kind()) {
      case UNIQUE_KEY -> check.isPrimaryKey(expectation.columns().get(0),
          JavaConverters.asScalaBuffer(expectation.columns().subList(1,
              expectation.columns().size())).toSeq());
      case NOT_NULL -> check.isComplete(expectation.columns().get(0), Option.empty(),
          Option.empty());
      case HOLDS -> check.satisfies(expectation.condition(), expectation.description(),
          Check.IsOne(), Option.empty(),
          JavaConverters.asScalaBuffer(List.<String>of()).toList(), Option.empty());
    };
  }

  /** An error-level expectation failed: the run stops before writing the table. */
  public static final class QualityGateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    QualityGateException(Table table, String parts, List<String> failures) {
      super(table.qualifiedName() + " (" + parts + ") failed its quality gate: "
          + String.join("; ", failures) + ". Nothing was written to it or to any later table.");
    }
  }
}
