package org.violence.lakehouse;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.violence.lakehouse.gold.MunicipalityYearPanel;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.run.Quarantine;
import org.violence.lakehouse.silver.Municipalities;

/**
 * The table comparison every end-to-end test relies on: rows in any order pass, and so do
 * doubles within its tolerance; a changed value, a lost or a repeated row, beyond tolerance,
 * fails, whichever of its paths (digest, set difference, row by row) decides.
 */
class SameContentsTest extends LakehouseTestBase {
  private static final StructType SCHEMA = new StructType()
      .add("municipality", DataTypes.StringType).add("year", DataTypes.IntegerType)
      .add("homicide_rate", DataTypes.DoubleType);
  private static final List<Row> ROWS = List.of(RowFactory.create("01001", 2010, 12.5),
      RowFactory.create("01002", 2010, 0.0), RowFactory.create("01002", 2010, 0.0),
      RowFactory.create("01003", 2010, null));

  private Dataset<Row> table(List<Row> rows) {
    return spark().createDataFrame(rows, SCHEMA).repartition(2);
  }

  private static List<Row> with(int index, Row row) {
    List<Row> rows = new java.util.ArrayList<>(ROWS);
    if (row == null) {
      rows.remove(index);
    } else {
      rows.set(index, row);
    }
    return rows;
  }

  @Test
  void theSameRowsInAnotherOrderOrWithinToleranceAreTheSame() {
    List<Row> reversed = new java.util.ArrayList<>(ROWS);
    java.util.Collections.reverse(reversed);
    assertSameContents(table(ROWS), table(reversed));
    assertSameContents(table(ROWS), table(with(0, RowFactory.create("01001", 2010,
        12.5 + 1e-12))));
  }

  @Test
  void aChangedLostOrRepeatedRowIsFound() {
    List<List<Row>> others = List.of(
        with(0, RowFactory.create("01001", 2011, 12.5)),
        with(0, RowFactory.create("01001", 2010, 12.5 + 1e-6)),
        with(3, RowFactory.create("01003", 2010, 0.0)),
        with(1, null),
        with(2, RowFactory.create("01001", 2010, 12.5)),
        List.of());
    for (List<Row> other : others) {
      Assertions.assertThrows(AssertionError.class,
          () -> assertSameContents(table(ROWS), table(other)), other.toString());
      Assertions.assertThrows(AssertionError.class,
          () -> assertSameContents(table(other), table(ROWS)), other.toString());
    }
  }

  /** Tables compared two at a time: a difference in any of them fails, naming that table. */
  @Test
  void aDifferenceInOneOfManyTablesIsFoundAndNamed() {
    List<Table> tables = List.of(Municipalities.TABLE, MunicipalityYearPanel.TABLE,
        Quarantine.TABLE);
    assertSameTables(tables, table -> table(ROWS), table -> table(ROWS));
    AssertionError difference = Assertions.assertThrows(AssertionError.class,
        () -> assertSameTables(tables, table -> table(ROWS), table -> table(
            table == MunicipalityYearPanel.TABLE ? with(1, null) : ROWS)));
    Assertions.assertTrue(difference.getMessage().startsWith(
        "gold.municipality_year_panel: "), difference.getMessage());
  }
}
