package org.violence.lakehouse.bronze;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.violence.lakehouse.LakehouseTestBase;
import org.violence.lakehouse.conf.LakehouseConfig;
import org.violence.lakehouse.io.InputException;
import org.violence.lakehouse.silver.HomicideCounts;
import org.violence.lakehouse.silver.Municipalities;

/**
 * Broken variants of the real 1990 INEGI export: each either stops the run with a message naming
 * the file and line, or lands with the bad row quarantined and every homicide still counted.
 */
class BadInputTest extends LakehouseTestBase {
  private static final String FOLDER = "mexico/inegi/homicides_registration_year";
  private static final LakehouseConfig.SourceFile YEARS_1990_1991 = new LakehouseConfig.SourceFile(
      FOLDER + "/{year}.csv", "ISO-8859-1", new LakehouseConfig.YearRange(1990, 1991));

  @Test
  void truncatedFileIsFatalAndNamesTheFile() throws IOException {
    Path inputs = inputsWith(bytes -> Arrays.copyOf(bytes, bytes.length / 2));
    InputException e = Assertions.assertThrows(InputException.class, () -> land(inputs));
    Assertions.assertTrue(e.getMessage().startsWith(FOLDER + "/1990.csv:"), e.getMessage());
    Assertions.assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void fileInTheWrongEncodingIsFatalAndNamesTheLine() throws IOException {
    Path inputs = inputsWith(bytes -> new String(bytes, StandardCharsets.ISO_8859_1)
        .getBytes(StandardCharsets.UTF_8));
    InputException e = Assertions.assertThrows(InputException.class, () -> land(inputs));
    Assertions.assertEquals(FOLDER + "/1990.csv:2: is UTF-8 encoded but the source is declared ISO-8859-1;"
        + " convert the file or fix the source's encoding in the config", e.getMessage());
  }

  @Test
  void missingYearlyFileIsFatalAndNamesIt() throws IOException {
    Path inputs = inputsWith(UnaryOperator.identity());
    Files.delete(inputs.resolve(FOLDER + "/1991.csv"));
    InputException e = Assertions.assertThrows(InputException.class, () -> land(inputs));
    Assertions.assertTrue(e.getMessage().startsWith(FOLDER + "/1991.csv: file is missing"), e.getMessage());
  }

  @Test
  void nonNumericCountIsQuarantinedAndItsHomicidesStayInTheStateTotal() throws IOException {
    // Line 10: " 01 003 ","Calvillo","5",... becomes a count of "5x".
    Path inputs = inputsWith(replacing("\" 01 003 \",\"Calvillo\",\"5\"",
        "\" 01 003 \",\"Calvillo\",\"5x\""));
    BronzeIngest.Landed landed = land(inputs);
    Row refused = landed.quarantined().orElseThrow().first();
    Assertions.assertEquals(1L, landed.quarantined().orElseThrow().count());
    Assertions.assertEquals(FOLDER + "/1990.csv", refused.getAs("source_file"));
    Assertions.assertEquals(10L, refused.<Long>getAs("line_number"));
    Assertions.assertEquals("count '5x' in column 'Total' is not a whole number", refused.getAs("reason"));
    HomicideCounts.Result counts = homicides(landed);
    Assertions.assertEquals(5L, homicidesOf(counts.counts(), "01000"), "Aguascalientes unallocated");
    Assertions.assertEquals(14493L, total(counts.counts()), "INEGI's 1990 national total");
  }

  @Test
  void municipalityCodeInNoCatalogueIsQuarantinedAndItsHomicidesStayInTheState()
      throws IOException {
    Path inputs = inputsWith(replacing("\" 01 003 \",\"Calvillo\"", "\" 01 950 \",\"Calvillo\""));
    HomicideCounts.Result counts = homicides(land(inputs));
    Row refused = counts.refused().first();
    Assertions.assertEquals(10L, refused.<Long>getAs("line_number"));
    Assertions.assertTrue(refused.<String>getAs("reason").startsWith(
        "municipality code 01950 is in no municipality catalogue"), refused.toString());
    Assertions.assertEquals(5L, homicidesOf(counts.counts(), "01000"));
    Assertions.assertEquals(14493L, total(counts.counts()));
  }

  private BronzeIngest.Landed land(Path inputs) {
    BronzeIngest ingest = new BronzeIngest(spark(), inputs.toString(), "test-run",
        new Timestamp(0));
    return ingest.land(InegiCubeSource.REGISTRATION, YEARS_1990_1991,
        ingest.filesOf(YEARS_1990_1991, YEARS_1990_1991.years()));
  }

  private HomicideCounts.Result homicides(BronzeIngest.Landed landed) {
    Dataset<Row> noOccurrence = spark().createDataFrame(java.util.List.of(),
        BronzeIngest.withLineage(InegiCubeSource.OCCURRENCE.schema()));
    return HomicideCounts.build(landed.rows().where(col("registration_year").equalTo(1990)),
        noOccurrence, realRun().lakehouse().read(Municipalities.TABLE));
  }

  private static long homicidesOf(Dataset<Row> counts, String unit) {
    return counts.where(col(HomicideCounts.UNIT_CODE).equalTo(unit))
        .agg(org.apache.spark.sql.functions.sum("homicides")).first().getLong(0);
  }

  private static long total(Dataset<Row> counts) {
    return counts.agg(org.apache.spark.sql.functions.sum("homicides")).first().getLong(0);
  }

  private static UnaryOperator<byte[]> replacing(String target, String replacement) {
    return bytes -> {
      String text = new String(bytes, StandardCharsets.ISO_8859_1);
      Assertions.assertTrue(text.contains(target), "fixture text not found: " + target);
      return text.replace(target, replacement).getBytes(StandardCharsets.ISO_8859_1);
    };
  }

  /** Real 1990 and 1991 exports in a fresh inputs folder, 1990 altered by {@code change}. */
  private static Path inputsWith(UnaryOperator<byte[]> change) throws IOException {
    Path inputs = Files.createTempDirectory("bad-input");
    Path folder = Files.createDirectories(inputs.resolve(FOLDER));
    Path samples = projectDir().resolve("data-samples").resolve(FOLDER);
    Files.write(folder.resolve("1990.csv"),
        change.apply(Files.readAllBytes(samples.resolve("1990.csv"))));
    Files.copy(samples.resolve("1991.csv"), folder.resolve("1991.csv"));
    return inputs;
  }
}
