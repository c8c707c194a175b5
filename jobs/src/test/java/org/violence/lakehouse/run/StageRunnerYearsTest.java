package org.violence.lakehouse.run;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.violence.lakehouse.LakehouseTestBase;
import org.violence.lakehouse.io.BuildState;
import org.violence.lakehouse.io.Lakehouse;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.quality.QualityGate;

/**
 * A lakehouse rerun with other years, as a data scientist narrows or moves the years of the
 * configuration: the years left out are deleted, never built again from inputs that span more
 * years than the run's (the panel reads covariates of every year), and a table built whole
 * (the death-record counts without any certificate file in the years) can become one built by
 * year. The whole pipeline moved to other years is compared with a run from an empty lakehouse
 * in the cluster's test.
 */
class StageRunnerYearsTest extends LakehouseTestBase {
  private static final Table BY_YEAR = Table.in(Table.Layer.SILVER, "years_test")
      .describedAs("a table built year by year").partitionedBy(Stage.YEAR)
      .column(Stage.YEAR, DataTypes.IntegerType, "year")
      .column("homicides", DataTypes.LongType, "count").build();

  /** Years 2007-2010 of an input that, like the covariates, spans more years than the run. */
  private Stage byYear(Set<Integer> years, List<Set<String>> built) {
    return Stage.byYear(List.of(BY_YEAR), List.of(), "", () -> years, (in, parts) -> {
      built.add(new TreeSet<>(parts));
      return Stage.Output.of(Map.of(BY_YEAR, Stage.inYears(spark().range(2007, 2011)
          .selectExpr("CAST(id AS INT) AS " + Stage.YEAR, "id - 2000 AS homicides"), parts)));
    });
  }

  @Test
  void yearsLeftOutOfARerunAreDeletedNotBuiltAgain() throws Exception {
    Lakehouse lakehouse = new Lakehouse(spark(), Files.createTempDirectory("years").toString());
    List<Set<String>> built = new ArrayList<>();
    runOn(lakehouse, byYear(Set.of(2008, 2009, 2010), built));
    Assertions.assertEquals(List.of(2008, 2009, 2010), years(lakehouse));

    runOn(lakehouse, byYear(Set.of(2008, 2009), built));
    Assertions.assertEquals(Set.of(), built.get(1), "nothing is left to build");
    Assertions.assertEquals(List.of(2008, 2009), years(lakehouse));
    Assertions.assertEquals(Set.of("2008", "2009"),
        lakehouse.buildState(BY_YEAR).parts().keySet());

    runOn(lakehouse, byYear(Set.of(2009, 2010), built));
    Assertions.assertEquals(Set.of("2010"), built.get(2), "only the new year is built");
    Assertions.assertEquals(List.of(2009, 2010), years(lakehouse));
  }

  @Test
  void aTableBuiltWholeCanBeBuiltByYearInTheNextRun() throws Exception {
    Lakehouse lakehouse = new Lakehouse(spark(), Files.createTempDirectory("years").toString());
    runOn(lakehouse, Stage.fromState(List.of(BY_YEAR), stateOf -> BuildState.whole(
        "no yearly file"), null, parts -> Stage.Output.of(Map.of(BY_YEAR,
            spark().createDataFrame(List.of(), BY_YEAR.schema())))));
    List<Set<String>> built = new ArrayList<>();
    runOn(lakehouse, byYear(Set.of(2009, 2010), built));
    Assertions.assertEquals(List.of(Set.of("2009", "2010")), built,
        "the years, and not the former whole table, are built");
    Assertions.assertEquals(List.of(2009, 2010), years(lakehouse));
  }

  /** One run of {@code stage}, as a run of the pipeline with these years runs it. */
  private static void runOn(Lakehouse lakehouse, Stage stage) {
    new StageRunner(lakehouse, new QualityGate("test"), System.out).run(stage);
  }

  private static List<Integer> years(Lakehouse lakehouse) {
    return lakehouse.read(BY_YEAR).orderBy(Stage.YEAR).collectAsList().stream()
        .map(row -> row.<Integer>getAs(Stage.YEAR)).toList();
  }
}
