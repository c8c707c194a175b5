package org.violence.lakehouse.quality;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.violence.lakehouse.LakehouseTestBase;
import org.violence.lakehouse.io.Expectation;
import org.violence.lakehouse.io.Table;

/**
 * The gate's one-pass evaluation, expectation by expectation, on rows whose violations are
 * counted by hand: duplicated keys (also partly null ones), keys null in every column, nulls,
 * conditions that are false or null, and no rows at all.
 */
class QualityGateTest extends LakehouseTestBase {
  private static final StructType SCHEMA = table().schema();

  /** The test table, declared with {@code expectations}. */
  private static Table table(Expectation... expectations) {
    return Table.in(Table.Layer.SILVER, "gate_test")
        .describedAs("rows for the gate")
        .column("state", DataTypes.StringType, "state")
        .column("municipality", DataTypes.StringType, "municipality")
        .column("population", DataTypes.LongType, "population")
        .expect(expectations)
        .build();
  }

  private Dataset<Row> rows(Object[]... values) {
    return spark().createDataFrame(java.util.Arrays.stream(values).map(RowFactory::create)
        .toList(), SCHEMA);
  }

  /** Status and message per expectation, in declaration order. */
  private List<List<String>> outcomes(QualityGate gate) {
    return gate.results(spark()).collectAsList().stream()
        .map(r -> List.of(r.<String>getAs("status"), r.<String>getAs("message"))).toList();
  }

  @Test
  void everyViolationIsCountedInOnePass() {
    QualityGate gate = new QualityGate("test");
    gate.check(table(Expectation.uniqueKey("state", "municipality").asWarning(),
        Expectation.notNull("population").asWarning(),
        Expectation.holds("population > 0", "population > 0").asWarning()), rows(
        new Object[] {"01", "001", 10L},
        new Object[] {"01", "001", 12L},    // a repeated key
        new Object[] {"01", null, 5L},
        new Object[] {"01", null, -1L},     // a repeated partly-null key, and population < 0
        new Object[] {null, null, null},    // no key at all; a null population
        new Object[] {"02", "001", 0L}),    // population = 0
        "whole");
    Assertions.assertEquals(List.of(
        List.of(QualityGate.FAILURE, "2 row(s) repeat a key of another row; "
            + "1 row(s) have no key at all"),
        List.of(QualityGate.FAILURE, "1 of 6 row(s) violate it"),
        List.of(QualityGate.FAILURE, "3 of 6 row(s) violate it")), outcomes(gate));
  }

  @Test
  void errorsStopTheRunAndNamesTheTable() {
    QualityGate gate = new QualityGate("test");
    Table table = table(Expectation.uniqueKey("state", "municipality"),
        Expectation.holds("population > 0", "population > 0"));
    QualityGate.QualityGateException failure = Assertions.assertThrows(
        QualityGate.QualityGateException.class, () -> gate.check(table, rows(
            new Object[] {"01", "001", 10L}, new Object[] {"01", "002", 0L}), "2010"));
    Assertions.assertEquals("silver.gate_test (2010) failed its quality gate: population > 0 "
        + "(1 of 2 row(s) violate it). Nothing was written to it or to any table built "
        + "from it.",
        failure.getMessage());
    Assertions.assertEquals(List.of(QualityGate.SUCCESS, ""), outcomes(gate).get(0));
  }

  @Test
  void aLocatedExpectationNamesTheRangeOfItsViolations() {
    QualityGate gate = new QualityGate("test");
    gate.check(table(Expectation.notNull("population").locatedBy("state").asWarning(),
        Expectation.holds("population > 0", "population > 0").locatedBy("municipality")
            .asWarning()), rows(
        new Object[] {"01", "001", 10L},
        new Object[] {"03", "002", null},   // null population: violates both
        new Object[] {"02", "007", 0L},     // violates the condition
        new Object[] {"09", "004", 3L}),
        "whole");
    Assertions.assertEquals(List.of(
        List.of(QualityGate.FAILURE, "1 of 4 row(s) violate it, state 03"),
        List.of(QualityGate.FAILURE, "2 of 4 row(s) violate it, municipality 002 to 007")),
        outcomes(gate));
  }

  /** Violating rows whose locating column is empty: the gate still reports, not fails. */
  @Test
  void aLocationThatIsNullIsReportedAsSuch() {
    QualityGate gate = new QualityGate("test");
    gate.check(table(Expectation.notNull("population").locatedBy("state").asWarning()), rows(
        new Object[] {"01", "001", 10L},
        new Object[] {null, "002", null}),
        "whole");
    Assertions.assertEquals(List.of(List.of(QualityGate.FAILURE,
        "1 of 2 row(s) violate it, state null")), outcomes(gate));
  }

  @Test
  void noRowsHoldEveryExpectation() {
    QualityGate gate = new QualityGate("test");
    gate.check(table(Expectation.uniqueKey("state"), Expectation.notNull("population")), rows(),
        "2011");
    Assertions.assertEquals(List.of(List.of(QualityGate.SUCCESS, "no rows to check"),
        List.of(QualityGate.SUCCESS, "no rows to check")), outcomes(gate));
  }
}
