package org.violence.lakehouse.analyst;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.violence.lakehouse.LakehouseTestBase;
import org.violence.lakehouse.conf.UsageException;
import org.violence.lakehouse.gold.MunicipalityYearPanel;
import org.violence.lakehouse.io.Lakehouse;
import org.violence.lakehouse.model.PanelModel;

/**
 * The export as a Python user meets it: Debian's pandas (installed by the build) reads the gold
 * panel and the model runs with the one line of the README, and gets back what Spark holds: the
 * same columns in order, as many rows, the same missing values per column, the national
 * homicide total to the last homicide, codes with their leading zeros, whole numbers as
 * (nullable) integers and flags as booleans.
 */
class TableExportTest extends LakehouseTestBase {
  /** The README's line, then what the test compares, as JSON. */
  private static final String READER = """
      import json, sys, pandas as pd
      folder, name = sys.argv[1], sys.argv[2]
      frame = pd.read_csv(f"{folder}/{name}.csv",
                          **json.load(open(f"{folder}/{name}.schema.json"))["pandas"])
      print(json.dumps({
          "columns": list(frame.columns),
          "dtypes": {c: str(t) for c, t in frame.dtypes.items()},
          "rows": len(frame),
          "missing": {c: int(n) for c, n in frame.isna().sum().items()},
          "homicides": int(frame["homicides_registration"].sum()) if "homicides_registration"
                       in frame else None,
          "first_code": min(frame["stable_municipality_code"]) if "stable_municipality_code"
                        in frame else None,
      }))
      """;

  @Test
  void pandasReadsTheGoldTablesBackWithTheirTypes() throws Exception {
    Lakehouse lakehouse = smallRun().lakehouse();
    Path folder = Files.createTempDirectory("export");
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    TableExport.export(lakehouse, TableExport.named(lakehouse,
        "gold.municipality_year_panel, gold.model_runs"), folder.toString(),
        new PrintStream(printed, true, StandardCharsets.UTF_8));

    Dataset<Row> panel = lakehouse.read(MunicipalityYearPanel.TABLE);
    JsonNode read = pandas(folder, "gold.municipality_year_panel");
    assertEquals(List.of(panel.columns()), strings(read.get("columns")));
    assertEquals(panel.count(), read.get("rows").asLong());
    assertEquals(missingPerColumn(panel), ints(read.get("missing")));
    assertEquals(panel.agg(sum("homicides_registration")).first().getLong(0),
        read.get("homicides").asLong());
    assertEquals(panel.agg(org.apache.spark.sql.functions.min("stable_municipality_code"))
        .first().getString(0), read.get("first_code").asText());
    Assertions.assertTrue(read.get("first_code").asText().startsWith("0"), read.toString());
    JsonNode types = read.get("dtypes");
    assertEquals("string", types.get("state_code").asText());
    assertEquals("Int32", types.get("year").asText());
    assertEquals("Int64", types.get("homicides_occurrence").asText());
    assertEquals("float64", types.get("homicide_rate_registration").asText());
    assertEquals("boolean", types.get("on_trafficking_route").asText());

    Dataset<Row> runs = lakehouse.read(PanelModel.RUNS);
    JsonNode readRuns = pandas(folder, "gold.model_runs");
    assertEquals(runs.count(), readRuns.get("rows").asLong());
    assertEquals(missingPerColumn(runs), ints(readRuns.get("missing")));

    Assertions.assertTrue(printed.toString(StandardCharsets.UTF_8).contains(
        "gold.model_runs (version " + lakehouse.version(PanelModel.RUNS) + "): "), printed::toString);
    UsageException unknown = Assertions.assertThrows(UsageException.class,
        () -> TableExport.named(lakehouse, "gold.no_such_table"));
    Assertions.assertTrue(unknown.getMessage().contains("gold.municipality_year_panel"),
        unknown.getMessage());
  }

  /** Runs the reader in Debian's Python, which has Debian's pandas. */
  private static JsonNode pandas(Path folder, String table) throws Exception {
    Path script = Files.writeString(Files.createTempFile("read", ".py"), READER);
    Process python = new ProcessBuilder("/usr/bin/python3", script.toString(), folder.toString(),
        table).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    Assertions.assertTrue(python.waitFor(120, TimeUnit.SECONDS), "pandas did not finish");
    assertEquals(0, python.exitValue(), "pandas failed on " + table + ": " + out);
    return new ObjectMapper().readTree(out);
  }

  private static Map<String, Integer> missingPerColumn(Dataset<Row> table) {
    List<org.apache.spark.sql.Column> counts = new ArrayList<>();
    for (String column : table.columns()) {
      counts.add(sum(col(column).isNull().cast("int")).as(column));
    }
    Row row = table.agg(counts.get(0), counts.subList(1, counts.size())
        .toArray(new org.apache.spark.sql.Column[0])).first();
    Map<String, Integer> missing = new LinkedHashMap<>();
    for (int c = 0; c < row.size(); c++) {
      missing.put(table.columns()[c], row.isNullAt(c) ? 0 : (int) row.getLong(c));
    }
    return missing;
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(value -> values.add(value.asText()));
    return values;
  }

  private static Map<String, Integer> ints(JsonNode object) {
    Map<String, Integer> values = new LinkedHashMap<>();
    object.fields().forEachRemaining(field -> values.put(field.getKey(), field.getValue().asInt()));
    return values;
  }
}
