package org.violence.lakehouse.model;

import static org.apache.spark.sql.functions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.violence.lakehouse.conf.LakehouseConfig;
import org.violence.lakehouse.gold.MunicipalityYearPanel;
import org.violence.lakehouse.silver.Municipalities;
import org.violence.lakehouse.silver.Population;

/**
 * The columns a model reads, computed with Spark from the gold panel: the configured sample,
 * the outcome, the offset, each regressor (interactions multiplied out) and the fixed-effect and
 * cluster keys. Every regressor is the panel's own column: a model re-derives nothing, so
 * fitting from the exported panel in another tool gives the same numbers.
 */
final class ModelSample {
  static final String OUTCOME = "_outcome";
  static final String OFFSET = "_offset";
  static final String WEIGHT = "_weight";

  /** Short names a formula or vcov may use for panel columns. */
  private static final Map<String, String> ALIASES = Map.of(
      "municipality", Municipalities.STABLE_CODE, "state", Municipalities.STATE_CODE);

  private ModelSample() {}

  static String column(String name) {
    return ALIASES.getOrDefault(name, name);
  }

  /** A column a model names, and the config key ({@code formula}, {@code vcov}...) naming it. */
  record NamedColumn(String key, String column) {}

  /**
   * The first column {@code spec} names (outcome, regressors, fixed effects, offset, weights,
   * clusters) that the panel does not declare; null when every one is a panel column or an
   * alias. Checked when the configuration loads, so that a typo stops the run before Spark
   * starts, not after the panel is read.
   */
  static NamedColumn unknownColumn(LakehouseConfig.ModelSpec spec, Formula formula,
      VcovKind vcov) {
    List<NamedColumn> named = new ArrayList<>();
    named.add(new NamedColumn("formula", formula.outcome()));
    for (List<Formula.Term> terms : List.of(formula.regressors(), formula.fixedEffects())) {
      terms.forEach(term -> term.columns().forEach(c -> named.add(new NamedColumn("formula",
          c))));
    }
    if (spec.offset() != null) {
      named.add(new NamedColumn("offset", spec.offset()));
    }
    if (spec.weights() != null) {
      named.add(new NamedColumn("weights", spec.weights()));
    }
    vcov.clusters().forEach(c -> named.add(new NamedColumn("vcov", c)));
    return named.stream()
        .filter(n -> !MunicipalityYearPanel.TABLE.columns().containsKey(column(n.column())))
        .findFirst().orElse(null);
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

  /**
   * Outcome, offset, regressors, keys and identifiers of the sample's rows; incomplete rows stay
   * (the estimator leaves them out and counts them).
   */
  static Dataset<Row> design(Dataset<Row> inSample, Formula formula, String offset,
      String weights, VcovKind vcov) {
    List<Column> columns = new ArrayList<>();
    columns.add(col(Municipalities.STABLE_CODE));
    columns.add(col(MunicipalityYearPanel.YEAR));
    columns.add(col(formula.outcome()).cast("double").as(OUTCOME));
    columns.add((offset == null ? lit(0.0) : col(offset).cast("double")).as(OFFSET));
    columns.add((weights == null ? lit(1.0) : col(weights).cast("double")).as(WEIGHT));
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
    return inSample.select(columns.toArray(Column[]::new));
  }

  private static Column key(List<String> names) {
    return concat_ws("^", names.stream().map(n -> col(column(n)).cast("string"))
        .toArray(Column[]::new));
  }
}
