package org.violence.lakehouse.io;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.violence.lakehouse.LakehouseTestBase;

/**
 * Sums whose bits do not depend on the order of their terms, on the real eradication
 * intensities the route exposures sum (poppy and marijuana, 4 decimals each).
 */
class ExactSumsTest extends LakehouseTestBase {
  private static final StructType TERMS = new StructType().add("term", DataTypes.DoubleType);

  @Test
  void theSumOfTheRealIntensitiesIsTheSameInEitherOrderAndIsTheDecimalSum() throws IOException {
    List<String> written = new ArrayList<>();
    for (String file : List.of("poppy_eradication_by_municipio.csv",
        "mariguana_eradication_by_municipio.csv")) {
      List<String> lines = Files.readAllLines(projectDir().resolve("data-samples/mexico/trafficking")
          .resolve(file));
      int total = List.of(lines.get(0).split(",")).indexOf("total");
      lines.subList(1, lines.size()).forEach(line -> written.add(line.split(",")[total]));
    }
    List<Double> ascending = written.stream().map(Double::valueOf).sorted().toList();
    List<Double> descending = new ArrayList<>(ascending);
    Collections.reverse(descending);

    // Spark's own sum of these doubles moves in its last bits with the order: what a rerun
    // that read the same rows back from Delta showed.
    Assertions.assertNotEquals(sum(ascending, functions.sum(col("term"))),
        sum(descending, functions.sum(col("term"))), "the doubles' order does matter here");
    double exact = sum(ascending, ExactSums.sum(col("term")));
    Assertions.assertEquals(exact, sum(descending, ExactSums.sum(col("term"))), 0.0);
    // Independently: the source's decimal text added exactly, then rounded once to a double.
    // Each term's rounding to 18 decimals moves the sum by < 1e-15 of ~1e4, within one ulp.
    double fromText = written.stream().map(BigDecimal::new).reduce(BigDecimal.ZERO,
        BigDecimal::add).doubleValue();
    Assertions.assertEquals(fromText, exact, Math.ulp(fromText));
  }

  @Test
  void notANumberAndInfinityCarryThroughAndNoTermsGiveNull() {
    Assertions.assertTrue(Double.isNaN(sum(List.of(1.5, Double.NaN), ExactSums.sum(
        col("term")))));
    Assertions.assertEquals(Double.NEGATIVE_INFINITY, sum(List.of(1.5,
        Double.NEGATIVE_INFINITY), ExactSums.sum(col("term"))));
    Assertions.assertEquals(2.0, sum(List.of(1.5, 2.5), ExactSums.mean(col("term"))));
    Row none = spark().createDataFrame(List.of(RowFactory.create((Object) null)), TERMS)
        .agg(ExactSums.sum(col("term"))).first();
    Assertions.assertTrue(none.isNullAt(0));
  }

  /** {@code sum} over the terms in one partition, in their order. */
  private double sum(List<Double> terms, Column sum) {
    List<Row> rows = terms.stream().map(term -> RowFactory.create(term)).toList();
    return spark().createDataFrame(rows, TERMS).coalesce(1).agg(sum).first().getDouble(0);
  }
}
