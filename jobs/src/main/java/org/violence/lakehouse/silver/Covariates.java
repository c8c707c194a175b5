package org.violence.lakehouse.silver;

import static org.violence.lakehouse.io.Expectation.uniqueKey;
import static org.violence.lakehouse.io.Expectation.withinWherePresent;
import static org.apache.spark.sql.functions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.violence.lakehouse.io.ExactSums;
import org.violence.lakehouse.bronze.DelimitedSources;
import org.violence.lakehouse.run.Quarantine;
import org.violence.lakehouse.conf.LakehouseConfig.FillRule;
import org.violence.lakehouse.conf.LakehouseConfig.YearRange;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.run.Stage;

/**
 * Socioeconomic covariates per panel unit and year. They are observed in census years only
 * (Gini 1990/2000/2010, poverty 2010, urbanisation and marginalisation 1990-2015 and 2020), on the
 * municipalities of each census; a unit made of several municipalities gets their
 * population-weighted mean, exact for shares (poverty, urbanisation) and an approximation for
 * Gini and the index. Other years are filled by the configured rule, and a flag per covariate
 * tells observed values from filled ones.
 */
public final class Covariates {
  public static final String YEAR = "year";
  public static final String GINI = "gini";
  public static final String POVERTY = "poverty";
  public static final String URBANISATION = "urbanisation";
  public static final String MARGINALISATION = "marginalisation";
  public static final List<String> ALL = List.of(GINI, POVERTY, URBANISATION, MARGINALISATION);

  private static final Map<String, String> MEANING = Map.of(
      GINI, "Gini coefficient of household income (CONEVAL; 0-1)",
      POVERTY, "Share of the population in multidimensional poverty (CONEVAL; 0-1)",
      URBANISATION, "Urbanisation: % of residents in localities of 5,000 or more "
          + "(100 - CONAPO's PL<5000)",
      MARGINALISATION, "CONAPO marginalisation index 1990-2015 (standardised; higher = more "
          + "marginalised; 2020 uses another scale and is not included)");

  private static final Map<String, String> UNIT = Map.of(GINI, "index, 0-1", POVERTY,
      "share of the population, 0-1", URBANISATION, "% of residents", MARGINALISATION,
      "standardised index");

  public static final Table TABLE = tableDefinition();

  private Covariates() {}

  private static Table tableDefinition() {
    Table.Builder table = Table.in(Table.Layer.SILVER, "covariates")
        .describedAs("Socioeconomic covariates per stable municipality and year, census-year "
            + "observations filled by the configured rule")
        .sourcedFrom("CONEVAL municipal indicators (Gini, poverty), CONAPO marginalisation index "
            + "1990-2015 (urbanisation, marginalisation)")
        .column(Municipalities.STABLE_CODE, "Panel unit (municipality of the base vintage)")
        .column(YEAR, "Year");
    for (String covariate : ALL) {
      table.column(covariate, MEANING.get(covariate)).unit(covariate, UNIT.get(covariate))
          .column(observedFlag(covariate), "True where " + covariate + " was observed that year; "
              + "false where filled")
          .column(fillRuleColumn(covariate), "Rule that filled " + covariate + " in other years");
    }
    // A value out of range comes from one municipality's row of an input: name it.
    table.expect(uniqueKey(Municipalities.STABLE_CODE, YEAR),
          withinWherePresent(GINI, 0, 1).locatedBy(Municipalities.STABLE_CODE),
          withinWherePresent(POVERTY, 0, 100).locatedBy(Municipalities.STABLE_CODE),
          withinWherePresent(URBANISATION, 0, 100).locatedBy(Municipalities.STABLE_CODE));
    return table.build();
  }

  public static String observedFlag(String covariate) {
    return covariate + "_observed";
  }

  static String fillRuleColumn(String covariate) {
    return covariate + "_fill_rule";
  }

  /** Bronze inputs and the municipal population used to weight municipalities within a unit. */
  public record Inputs(Dataset<Row> coneval, Dataset<Row> marginalisation,
      Dataset<Row> marginalisation2020, Dataset<Row> populationEstimates) {}

  public record Result(Dataset<Row> covariates, Dataset<Row> refused) {}

  /** The pipeline's stage: rebuilt when a source, the municipalities, years or fill change. */
  public static Stage stage(YearRange years, Map<String, FillRule> fill) {
    return Stage.whole(List.of(TABLE), List.of(DelimitedSources.CONEVAL_INDICATORS.table(),
            DelimitedSources.MARGINALISATION.table(),
            DelimitedSources.MARGINALISATION_2020.table(),
            DelimitedSources.POPULATION_ESTIMATES.table(), Municipalities.TABLE),
        "years " + years + ", fill " + new java.util.TreeMap<>(fill), in -> {
          Result result = build(new Inputs(in.read(DelimitedSources.CONEVAL_INDICATORS.table()),
                  in.read(DelimitedSources.MARGINALISATION.table()),
                  in.read(DelimitedSources.MARGINALISATION_2020.table()),
                  in.read(DelimitedSources.POPULATION_ESTIMATES.table())),
              in.read(Municipalities.TABLE), years, fill);
          return new Stage.Output(Map.of(TABLE, result.covariates()),
              Quarantine.of(TABLE, result.refused()));
        });
  }

  public static Result build(Inputs in, Dataset<Row> municipalities, YearRange years,
      Map<String, FillRule> fill) {
    Dataset<Row> estimates = in.populationEstimates().where(col("sex").equalTo("Total"))
        .select(col(Municipalities.MUNICIPALITY_CODE), col(YEAR), col("population"));
    Dataset<Row> coneval = in.coneval();
    Dataset<Row> conevalObservations = observation(coneval, GINI, 1990, col("gini_1990"))
        .unionByName(observation(coneval, GINI, 2000, col("gini_2000")))
        .unionByName(observation(coneval, GINI, 2010, col("gini_2010")))
        .unionByName(observation(coneval, POVERTY, 2010, col("poverty_2010")))
        .join(estimates, new String[] {Municipalities.MUNICIPALITY_CODE, YEAR}, "left");
    Column urbanisation = lit(100.0).minus(col("pct_in_localities_under_5000"));
    Dataset<Row> margination = in.marginalisation();
    Dataset<Row> censusObservations = censusObservation(margination, URBANISATION, col(YEAR),
            urbanisation)
        .unionByName(censusObservation(margination, MARGINALISATION, col(YEAR),
            col("marginalisation_index")))
        .unionByName(censusObservation(in.marginalisation2020(), URBANISATION, lit(2020),
            urbanisation));
    MunicipalKeys.Conformed conformed = MunicipalKeys.conform(
        conevalObservations.unionByName(censusObservations), municipalities);
    Dataset<Row> observed = conformed.rows()
        .where(col("value").isNotNull().and(col("population").gt(0)))
        .groupBy(col(Municipalities.STABLE_CODE), col(YEAR), col("covariate"))
        .agg(ExactSums.sum(col("value").multiply(col("population")))
            .divide(ExactSums.sum(col("population"))).as("value"));

    Dataset<Row> grid = MunicipalKeys.panelUnits(municipalities)
        .crossJoin(MunicipalKeys.years(municipalities.sparkSession(), years)
            .unionByName(observed.select(YEAR)).distinct());
    return new Result(filled(observed, grid, fill)
            .where(col(YEAR).between(years.first(), years.last())),
        conformed.refused().dropDuplicates());
  }

  private static Dataset<Row> observation(Dataset<Row> coneval, String covariate, int year,
      Column value) {
    return coneval.select(col(Municipalities.MUNICIPALITY_CODE), lit(year).as(YEAR),
        lit(covariate).as("covariate"), value.as("value"), col("source_file"), col("line_number"),
        col("run_id"), col("load_time"));
  }

  private static Dataset<Row> censusObservation(Dataset<Row> census, String covariate,
      Column year, Column value) {
    return census.select(col(Municipalities.MUNICIPALITY_CODE), year.cast("int").as(YEAR),
        lit(covariate).as("covariate"), value.as("value"), col("source_file"), col("line_number"),
        col("run_id"), col("load_time"), col("population"));
  }

  /**
   * Every covariate on every unit-year of {@code grid}, each filled by its rule. The covariates
   * are filled as one long series (one window over unit and covariate, then one row per
   * unit-year) rather than one plan each joined back: a quarter of the query plans to compile.
   */
  private static Dataset<Row> filled(Dataset<Row> observed, Dataset<Row> grid,
      Map<String, FillRule> fill) {
    Dataset<Row> covariates = observed.sparkSession().createDataset(ALL,
        org.apache.spark.sql.Encoders.STRING()).toDF("covariate");
    WindowSpec unitCovariate = Window.partitionBy(Municipalities.STABLE_CODE, "covariate").orderBy(YEAR);
    Column before = last(when(col("value").isNotNull(), struct(col(YEAR).as("y"), col("value").as("v"))), true)
        .over(unitCovariate.rowsBetween(Window.unboundedPreceding(), Window.currentRow()));
    Column after = first(when(col("value").isNotNull(), struct(col(YEAR).as("y"), col("value").as("v"))), true)
        .over(unitCovariate.rowsBetween(Window.currentRow(), Window.unboundedFollowing()));
    Dataset<Row> series = grid.crossJoin(covariates)
        .join(observed.select(Municipalities.STABLE_CODE, YEAR, "covariate", "value"),
            new String[] {Municipalities.STABLE_CODE, YEAR, "covariate"}, "left")
        .withColumn("before", before).withColumn("after", after);
    Column between = col("before.v").plus(col("after.v").minus(col("before.v"))
        .multiply(col(YEAR).minus(col("before.y")))
        .divide(col("after.y").minus(col("before.y"))));
    List<Column> wide = new ArrayList<>();
    for (String covariate : ALL) {
      FillRule rule = fill.get(covariate);
      Column value = switch (rule) {
        case LINEAR -> coalesce(col("value"),
            when(col("before.v").isNotNull().and(col("after.v").isNotNull()), between),
            col("before.v"), col("after.v"));
        case CARRY_FORWARD -> coalesce(col("value"), col("before.v"), col("after.v"));
        case NONE -> col("value");
      };
      Column isThis = col("covariate").equalTo(covariate);
      wide.add(max(when(isThis, value)).as(covariate));
      wide.add(max(when(isThis, col("value").isNotNull())).as(observedFlag(covariate)));
      wide.add(first(lit(rule.name().toLowerCase())).as(fillRuleColumn(covariate)));
    }
    return series.groupBy(Municipalities.STABLE_CODE, YEAR)
        .agg(wide.get(0), wide.subList(1, wide.size()).toArray(Column[]::new));
  }

  /** Names of every column this table adds beyond the keys, in order. */
  public static List<String> valueColumns() {
    List<String> columns = new ArrayList<>();
    for (String covariate : ALL) {
      columns.add(covariate);
      columns.add(observedFlag(covariate));
    }
    return columns;
  }
}
