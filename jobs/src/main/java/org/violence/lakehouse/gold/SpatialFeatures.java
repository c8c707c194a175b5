package org.violence.lakehouse.gold;

import static org.apache.spark.sql.functions.*;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.violence.lakehouse.io.ExactSums;
import org.violence.lakehouse.routes.TraffickingNetwork;
import org.violence.lakehouse.silver.Municipalities;
import org.violence.lakehouse.silver.Population;

/**
 * The panel's neighbourhood columns: violence next door (the spatial lag, and its value a year
 * before) and homicide rates smoothed towards what the municipality's size can tell
 * (empirical Bayes). Neighbours are the municipalities bordering each other in the trafficking
 * network (INEGI's adjacency, 2020 geography), carried to the panel's stable units.
 *
 * <p>Rates are per 100,000 on the registration basis. Raw rates of tiny municipalities swing
 * wildly (one death in 1,200 people is a rate of 83), so maps and rankings use the smoothed
 * rates: Marshall's (1991) empirical-Bayes estimator, θᵢ = m + Cᵢ (rᵢ − m) with
 * Cᵢ = A / (A + m / nᵢ), A = s² − m / n̄ (0 when negative), where m is the pooled rate,
 * s² = Σ nⱼ (rⱼ − m)² / Σ nⱼ and n̄ the mean population, taken over the whole country's
 * municipalities in the year (global) or over the municipality and its neighbours (local).
 */
public final class SpatialFeatures {
  public static final String NEIGHBOUR_RATE = "neighbour_homicide_rate";
  public static final String NEIGHBOUR_RATE_LAG = "neighbour_homicide_rate_lag1";
  public static final String EB_GLOBAL = "homicide_rate_eb_global";
  public static final String EB_LOCAL = "homicide_rate_eb_local";
  /** The panel's columns this class adds, in table order. */
  public static final java.util.List<String> COLUMNS = java.util.List.of(NEIGHBOUR_RATE,
      NEIGHBOUR_RATE_LAG, EB_GLOBAL, EB_LOCAL);

  static final String NEIGHBOUR = "neighbour_code";
  private static final String STABLE = Municipalities.STABLE_CODE;
  private static final String YEAR = MunicipalityYearPanel.YEAR;
  private static final double PER = 100000.0;

  private SpatialFeatures() {}

  /** The comments of the columns, for the table's definition. */
  static void describe(org.violence.lakehouse.io.Table.Builder table) {
    table.column(NEIGHBOUR_RATE, "Spatial lag: mean homicide rate (registration) of the "
            + "bordering municipalities in the year, each weighing 1/(number of neighbours) "
            + "(row-standardised W; adjacency of silver.trafficking_network_edges on stable "
            + "units); null for a municipality without neighbours (islands)")
        .column(NEIGHBOUR_RATE_LAG, "The spatial lag a year before; null in the first year")
        .column(EB_GLOBAL, "Empirical-Bayes homicide rate (Marshall 1991, global): the raw "
            + "registration rate shrunk towards the year's national rate, the more the smaller "
            + "the population; for maps and rankings")
        .column(EB_LOCAL, "Empirical-Bayes homicide rate (Marshall 1991, local): shrunk towards "
            + "the rate of the municipality and its neighbours pooled")
        .unit(NEIGHBOUR_RATE, "homicides per 100,000 inhabitants")
        .unit(NEIGHBOUR_RATE_LAG, "homicides per 100,000 inhabitants")
        .unit(EB_GLOBAL, "homicides per 100,000 inhabitants")
        .unit(EB_LOCAL, "homicides per 100,000 inhabitants");
  }

  /**
   * Bordering stable municipalities, each pair in both directions: the network's edges (2020
   * codes) carried to the units that contain them; a border inside one unit is no neighbour.
   */
  public static Dataset<Row> neighbours(Dataset<Row> edges, Dataset<Row> municipalities) {
    Dataset<Row> unitOf = municipalities.select(Municipalities.MUNICIPALITY_CODE, STABLE)
        .distinct();
    Dataset<Row> pairs = edges
        .join(unitOf.toDF(TraffickingNetwork.CODE_A, "unit_a"), TraffickingNetwork.CODE_A)
        .join(unitOf.toDF(TraffickingNetwork.CODE_B, "unit_b"), TraffickingNetwork.CODE_B)
        .where(col("unit_a").notEqual(col("unit_b")));
    return pairs.select(col("unit_a").as(STABLE), col("unit_b").as(NEIGHBOUR))
        .union(pairs.select(col("unit_b").as(STABLE), col("unit_a").as(NEIGHBOUR)))
        .distinct();
  }

  /**
   * The panel's Mexican rows with the neighbourhood columns. The lag reads the year before
   * from {@code panel} itself, so the caller passes that year too and keeps the years it wants.
   */
  public static Dataset<Row> withSpatialFeatures(Dataset<Row> panel, Dataset<Row> neighbours) {
    Dataset<Row> counts = panel.where(col(MunicipalityYearPanel.HOMICIDES_REGISTRATION)
            .isNotNull())
        .select(col(STABLE), col(YEAR),
            col(MunicipalityYearPanel.HOMICIDES_REGISTRATION).cast("double").as("y"),
            col(Population.POPULATION).as("n"));

    Dataset<Row> national = shrinkageTerms(counts.withColumn("area", lit("")), "area");
    Dataset<Row> global = counts.join(national, YEAR)
        .select(col(STABLE), col(YEAR), smoothed().multiply(PER).as(EB_GLOBAL));

    // The neighbourhood of a municipality: itself and its neighbours, the same year.
    Dataset<Row> hood = neighbours.union(counts.select(col(STABLE), col(STABLE).as(NEIGHBOUR))
        .distinct());
    Dataset<Row> around = hood.join(counts.toDF(NEIGHBOUR, YEAR, "y", "n"), NEIGHBOUR);
    Dataset<Row> local = counts.join(shrinkageTerms(around, STABLE), new String[] {STABLE, YEAR})
        .select(col(STABLE), col(YEAR), smoothed().multiply(PER).as(EB_LOCAL));

    Dataset<Row> lag = neighbours.join(counts.toDF(NEIGHBOUR, YEAR, "y", "n"), NEIGHBOUR)
        .groupBy(STABLE, YEAR).agg(ExactSums.mean(col("y").divide(col("n")).multiply(PER))
            .as(NEIGHBOUR_RATE))
        .withColumn(NEIGHBOUR_RATE_LAG, first(col(NEIGHBOUR_RATE)).over(Window
            .partitionBy(STABLE).orderBy(YEAR).rangeBetween(-1, -1)));
    return panel.join(lag, new String[] {STABLE, YEAR}, "left")
        .join(global, new String[] {STABLE, YEAR}, "left")
        .join(local, new String[] {STABLE, YEAR}, "left");
  }

  /**
   * Per {@code area} and year, from rows of counts y and populations n: the pooled rate m, the
   * population-weighted variance s² of the rates around it and the mean population n̄, as
   * columns m and a (= max(s² − m/n̄, 0)).
   */
  private static Dataset<Row> shrinkageTerms(Dataset<Row> rows, String area) {
    Dataset<Row> pooled = rows.groupBy(area, YEAR).agg(
        ExactSums.sum(col("y")).divide(ExactSums.sum(col("n"))).as("m"),
        ExactSums.sum(col("n")).as("total"),
        count(lit(1)).as("units"));
    Column rate = col("y").divide(col("n"));
    return rows.join(pooled, new String[] {area, YEAR}).groupBy(area, YEAR)
        .agg(first("m").as("m"), ExactSums.sum(col("n").multiply(pow(rate.minus(col("m")), 2)))
            .divide(first("total")).as("s2"), first("total").divide(first("units")).as("nbar"))
        .select(col(area), col(YEAR), col("m"),
            greatest(col("s2").minus(col("m").divide(col("nbar"))), lit(0.0)).as("a"));
  }

  /** Marshall's estimate for a row with y, n, m and a: the pooled rate where a is 0. */
  private static Column smoothed() {
    Column rate = col("y").divide(col("n"));
    Column weight = col("a").divide(col("a").plus(col("m").divide(col("n"))));
    return when(col("a").equalTo(0), col("m"))
        .otherwise(col("m").plus(weight.multiply(rate.minus(col("m")))));
  }
}
