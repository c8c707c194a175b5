package org.violence.lakehouse.model;

import static org.apache.spark.sql.functions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.violence.lakehouse.bronze.DelimitedSources;
import org.violence.lakehouse.conf.LakehouseConfig;
import org.violence.lakehouse.gold.MunicipalityYearPanel;
import org.violence.lakehouse.silver.Municipalities;
import org.violence.lakehouse.silver.Population;

/**
 * The rows a model uses, prepared with Spark: the configured sample, complete cases, regressor
 * columns (interactions multiplied out), fixed-effect and cluster keys; then the observations
 * that carry no information under the fixed effects are dropped and counted, as ppmlhdfe does:
 * singletons (the only row of some fixed-effect level) and, for Poisson, every row of a level
 * whose outcome is zero throughout (its effect would be −∞: separation). Dropping can create new
 * singletons, so both repeat until nothing changes. Separation caused by the regressors rather
 * than by a fixed effect (ppmlhdfe's ReLU test) is not detected yet: as with R's glm, such a
 * model would report a diverging coefficient.
 */
final class ModelSample {
  static final String OUTCOME = "_outcome";
  static final String OFFSET = "_offset";
  static final String KM_TO_US_BORDER = "km_to_us_border";

  /** Short names a formula or vcov may use for panel columns. */
  private static final Map<String, String> ALIASES = Map.of(
      "municipality", Municipalities.STABLE_CODE, "state", Municipalities.STATE_CODE);

  private ModelSample() {}

  static String column(String name) {
    return ALIASES.getOrDefault(name, name);
  }

  static String effectKey(int index) {
    return "_fe" + index;
  }

  static String clusterKey(int index) {
    return "_cluster" + index;
  }

  static String regressorName(Formula.Term term) {
    return term.label(":");
  }

  /**
   * The panel with the municipalities' time-invariant attributes that models use: distance from
   * the municipal seat to the US border (2007 seats; every base-vintage municipality has one).
   */
  static Dataset<Row> withMunicipalAttributes(Dataset<Row> panel, Dataset<Row> seats) {
    // The panel's own km_to_us_border (route exposure: nearest of a unit's parts) is replaced by
    // the unit's own seat distance, the definition the committed R references were computed on.
    return panel.drop(KM_TO_US_BORDER).join(seats.select(
            col(DelimitedSources.MUNICIPALITY_CODE).as(Municipalities.STABLE_CODE),
            col(KM_TO_US_BORDER)),
        new String[] {Municipalities.STABLE_CODE}, "left");
  }

  /** The sample's rows in the configured years, floors and states, before complete cases. */
  static Dataset<Row> inSample(Dataset<Row> panel, LakehouseConfig.Sample sample) {
    // Models are specified on Mexico's covariates; other countries' contract rows have none.
    Dataset<Row> rows = MunicipalityYearPanel.mexico(panel);
    if (sample == null) {
      return rows;
    }
    if (sample.years() != null) {
      rows = rows.where(col(MunicipalityYearPanel.YEAR)
          .between(sample.years().first(), sample.years().last()));
    }
    if (sample.minPopulation() != null) {
      rows = rows.where(col(Population.POPULATION).geq(sample.minPopulation()));
    }
    if (sample.states() != null) {
      rows = rows.where(col(Municipalities.STATE_CODE).isin(sample.states().toArray()));
    }
    return rows;
  }

  /** Outcome, offset, regressors, keys and identifiers of the complete cases of the sample. */
  static Dataset<Row> design(Dataset<Row> inSample, Formula formula, String offset,
      VcovKind vcov) {
    List<Column> columns = new ArrayList<>();
    columns.add(col(Municipalities.STABLE_CODE));
    columns.add(col(MunicipalityYearPanel.YEAR));
    columns.add(col(formula.outcome()).cast("double").as(OUTCOME));
    columns.add((offset == null ? lit(0.0) : col(offset).cast("double")).as(OFFSET));
    for (Formula.Term term : formula.regressors()) {
      columns.add(term.columns().stream().map(c -> col(c).cast("double"))
          .reduce(Column::multiply).orElseThrow().as(regressorName(term)));
    }
    for (int f = 0; f < formula.fixedEffects().size(); f++) {
      columns.add(key(formula.fixedEffects().get(f).columns()).as(effectKey(f)));
    }
    for (int c = 0; c < vcov.clusters().size(); c++) {
      columns.add(key(List.of(vcov.clusters().get(c))).as(clusterKey(c)));
    }
    return inSample.select(columns.toArray(Column[]::new)).na().drop();
  }

  private static Column key(List<String> names) {
    return concat_ws("^", names.stream().map(n -> col(column(n)).cast("string"))
        .toArray(Column[]::new));
  }

  /** The informative rows and how many of each kind were dropped. */
  record Informative(Dataset<Row> rows, long singletons, long separated) {}

  static Informative informative(Dataset<Row> design, int effects, boolean poisson) {
    Dataset<Row> rows = design.localCheckpoint();
    long singletons = 0;
    long separated = 0;
    boolean changed = effects > 0;
    while (changed) {
      changed = false;
      for (int f = 0; f < effects; f++) {
        Dataset<Row> tagged = rows
            .withColumn("_rows", count(lit(1)).over(Window.partitionBy(effectKey(f))))
            .withColumn("_total", sum(OUTCOME).over(Window.partitionBy(effectKey(f))))
            .localCheckpoint();
        Column singleton = col("_rows").equalTo(1);
        Column allZero = poisson ? col("_total").equalTo(0).and(not(singleton)) : lit(false);
        long lone = tagged.where(singleton).count();
        long zero = tagged.where(allZero).count();
        if (lone + zero > 0) {
          singletons += lone;
          separated += zero;
          changed = true;
          rows = tagged.where(not(singleton.or(allZero))).drop("_rows", "_total")
              .localCheckpoint();
        }
      }
    }
    return new Informative(rows, singletons, separated);
  }
}
