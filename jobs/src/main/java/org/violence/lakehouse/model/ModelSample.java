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
 * the outcome, the offset, each regressor (its formula compiled by {@link FormulaColumns},
 * interactions multiplied out) and the fixed-effect and cluster keys. Regressors are the
 * panel's columns or what the formula writes of them in fixest's syntax, so fitting the
 * exported panel with the same formula in R gives the same numbers.
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
  static NamedColumn unknownColumn(LakehouseConfig.ModelSpec spec, List<Formula> formulas,
      VcovKind vcov) {
    List<NamedColumn> named = new ArrayList<>();
    formulas.forEach(f -> f.columns().forEach(c -> named.add(new NamedColumn("formula", c))));
    if (spec.offset() != null) {
      Formula.columnsOf(Formula.expression(spec.offset()))
          .forEach(c -> named.add(new NamedColumn("offset", c)));
    }
    if (spec.weights() != null) {
      Formula.columnsOf(Formula.expression(spec.weights()))
          .forEach(c -> named.add(new NamedColumn("weights", c)));
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

  /**
   * A model's rows and its regressors: their names (fixest's) and their columns, {@code _x0},
   * {@code _x1}… because fixest's names ({@code I(gini * 0.5)}) are not column names Spark can
   * resolve.
   */
  record Design(Dataset<Row> rows, List<String> regressors, List<String> columns) {
    String[] regressorColumns() {
      return columns.toArray(String[]::new);
    }

    /**
     * Without regressor {@code j}, as fixest removes a collinear variable; its incomplete rows
     * stay out, since fixest leaves out incomplete rows before it looks for collinearity.
     */
    Design without(int j) {
      Column removed = col(columns.get(j));
      List<String> names = new ArrayList<>(regressors);
      List<String> kept = new ArrayList<>(columns);
      names.remove(j);
      kept.remove(j);
      return new Design(rows.where(removed.isNotNull().and(not(isnan(removed)))),
          List.copyOf(names), List.copyOf(kept));
    }
  }

  /** The sample's rows in the configured years, floors and states, before complete cases. */
  private static Dataset<Row> inSample(Dataset<Row> rows, LakehouseConfig.Sample sample) {
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
   * (the estimator leaves them out and counts them). The formula's inputs are computed on the
   * whole Mexican panel before the sample is taken, so that lags reach outside it; the terms
   * that learn from the data (i(), poly()) learn from the sample.
   */
  static Design design(Dataset<Row> panel, LakehouseConfig.Sample sample, Formula formula,
      String offset, String weights, VcovKind vcov) {
    // Models are specified on Mexico's covariates; other countries' contract rows have none.
    Dataset<Row> mexico = MunicipalityYearPanel.mexico(panel);
    FormulaColumns formulaColumns = new FormulaColumns(ModelSample::column, mexico.schema(),
        formula);
    Column outcome = formulaColumns.input(formulaColumns.value(formula.outcome()));
    // Offset and weights may be expressions too: offset = log(population).
    Column offsetValue = offset == null ? null
        : formulaColumns.input(formulaColumns.value(Formula.expression(offset)));
    Column weightValue = weights == null ? null
        : formulaColumns.input(formulaColumns.value(Formula.expression(weights)));
    List<List<FormulaColumns.Factor>> terms = formula.regressors().stream()
        .map(formulaColumns::factors).toList();
    List<Column> withInputs = new ArrayList<>(List.of(col("*")));
    withInputs.addAll(formulaColumns.inputs());
    Dataset<Row> rows = inSample(mexico.select(withInputs.toArray(Column[]::new)), sample);
    terms.forEach(factors -> factors.forEach(f -> f.learn(rows)));

    List<Column> columns = new ArrayList<>();
    columns.add(col(Municipalities.STABLE_CODE));
    columns.add(col(MunicipalityYearPanel.YEAR));
    columns.add(outcome.as(OUTCOME));
    columns.add((offset == null ? lit(0.0) : offsetValue).as(OFFSET));
    columns.add((weights == null ? lit(1.0) : weightValue).as(WEIGHT));
    List<String> names = new ArrayList<>();
    List<String> regressorColumns = new ArrayList<>();
    for (List<FormulaColumns.Factor> factors : terms) {
      for (FormulaColumns.Named regressor : interactions(factors)) {
        regressorColumns.add("_x" + names.size());
        columns.add(regressor.column().as("_x" + names.size()));
        names.add(regressor.name());
      }
    }
    for (int f = 0; f < formula.fixedEffects().size(); f++) {
      columns.add(key(formula.fixedEffects().get(f).columns()).as(effectKey(f)));
    }
    for (int c = 0; c < vcov.clusters().size(); c++) {
      columns.add(key(List.of(vcov.clusters().get(c))).as(clusterKey(c)));
    }
    return new Design(rows.select(columns.toArray(Column[]::new)), List.copyOf(names),
        List.copyOf(regressorColumns));
  }

  /** An interaction's columns: every combination of its factors' columns, multiplied. */
  private static List<FormulaColumns.Named> interactions(List<FormulaColumns.Factor> factors) {
    List<FormulaColumns.Named> combined = List.of(new FormulaColumns.Named("", lit(1.0)));
    for (FormulaColumns.Factor factor : factors) {
      List<FormulaColumns.Named> next = new ArrayList<>();
      for (FormulaColumns.Named left : combined) {
        for (FormulaColumns.Named right : factor.columns()) {
          next.add(left.name().isEmpty() ? right : new FormulaColumns.Named(
              left.name() + ":" + right.name(), left.column().multiply(right.column())));
        }
      }
      combined = next;
    }
    return combined;
  }

  private static Column key(List<String> names) {
    return concat_ws("^", names.stream().map(n -> col(column(n)).cast("string"))
        .toArray(Column[]::new));
  }
}
