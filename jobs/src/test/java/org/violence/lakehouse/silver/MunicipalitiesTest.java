package org.violence.lakehouse.silver;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.violence.lakehouse.LakehouseTestBase;
import org.violence.lakehouse.bronze.DelimitedSources;
import org.violence.lakehouse.conf.ConfigException;
import org.violence.lakehouse.io.Lakehouse;

/**
 * The municipality dimension on the real catalogues with a base vintage other than the shipped
 * one, and the checks on the official decrees file. The documented splits are checked against
 * the shipped run in {@code PipelineOnRealSamplesTest}.
 */
class MunicipalitiesTest extends LakehouseTestBase {

  @Test
  void withTheYear2000AsBaseEveryUnitIsAMunicipalityOf2000() {
    Lakehouse lakehouse = realRun().lakehouse();
    Dataset<Row> dimension = Municipalities.build(new Municipalities.Inputs(
        lakehouse.read(DelimitedSources.CENSUS_COUNTS.table()),
        lakehouse.read(DelimitedSources.CATALOGUE_2015.table()),
        lakehouse.read(DelimitedSources.CATALOGUE_2020.table()),
        lakehouse.read(DelimitedSources.POPULATION_ESTIMATES.table()),
        lakehouse.read(DelimitedSources.ADJACENCY.table()),
        lakehouse.read(DelimitedSources.METRO_ZONES.table()),
        lakehouse.read(DelimitedSources.MUNICIPALITY_HEADS.table()),
        Municipalities.parentOverrides(spark(), null)), 2000).cache();
    Dataset<Row> of2000 = dimension.where(col(Municipalities.FIRST_VINTAGE).leq(2000));
    // 2,443 municipalities have a 2000 census count (INEGI, Censo 2000); 2,469 are in 2020's.
    Assertions.assertEquals(2469L, dimension.count());
    Assertions.assertEquals(2443L, of2000.count());
    Assertions.assertEquals(0L, of2000.where(col(Municipalities.PARENT_CODE).isNotNull()
        .or(col(Municipalities.STABLE_CODE).notEqual(col(Municipalities.MUNICIPALITY_CODE))))
        .count(), "a municipality of the base vintage is its own unit");
    Dataset<Row> units = of2000.select(col(Municipalities.MUNICIPALITY_CODE).as("unit"));
    Assertions.assertEquals(0L, dimension.join(units,
        col(Municipalities.STABLE_CODE).equalTo(col("unit")), "left_anti").count(),
        "every unit is a municipality of 2000");
    Assertions.assertEquals(0L, dimension.where(col(Municipalities.FIRST_VINTAGE).gt(2000)
        .and(col(Municipalities.PARENT_CODE).isNull())).count(),
        "every municipality created after 2000 has a parent");
    dimension.unpersist();
  }

  @Test
  void aMunicipalityDecreedTwiceStopsTheRunNamingFileAndCode(@TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("overrides.csv");
    Files.writeString(file, "municipality_code,parent_code,decree\n"
        + "23009,23008,Tulum\n23009,23005,a second decree for Tulum\n");
    ConfigException refused = Assertions.assertThrows(ConfigException.class,
        () -> Municipalities.parentOverrides(spark(), file.toString()));
    Assertions.assertTrue(refused.getMessage().contains(file + " decrees the parent of 23009 "
        + "more than once"), refused.getMessage());
  }

  @Test
  void aDecreeWithoutAParentCodeIsMalformed(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("overrides.csv");
    Files.writeString(file, "municipality_code,parent_code,decree\n23009,,Tulum\n"
        + "23011,23005,Puerto Morelos\n");
    ConfigException refused = Assertions.assertThrows(ConfigException.class,
        () -> Municipalities.parentOverrides(spark(), file.toString()));
    Assertions.assertTrue(refused.getMessage().contains("1 row(s) whose codes are not 5 digits"),
        refused.getMessage());
  }
}
