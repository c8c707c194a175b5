package org.violence.lakehouse.sources;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * Lines without quotes and lines whose quoted fields close before a delimiter are split by hand,
 * the rest by commons-csv: every path must give the fields commons-csv's RFC 4180 parser gives,
 * including empty and trailing fields, quotes inside fields and lines it refuses.
 */
class CsvTest {
  @Test
  void unquotedLinesSplitAsRfc4180Does() {
    Assertions.assertEquals(List.of("01001", "Aguascalientes", "", "877190"),
        Csv.fields("01001,Aguascalientes,,877190", ','));
    Assertions.assertEquals(List.of("a", "", ""), Csv.fields("a,,", ','));
    Assertions.assertEquals(List.of("", "b"), Csv.fields(",b", ','));
    Assertions.assertEquals(List.of(" spaced ", "x"), Csv.fields(" spaced |x", '|'));
    Assertions.assertEquals(List.of("one field"), Csv.fields("one field", ','));
  }

  @Test
  void quotedLinesKeepTheirDelimitersAndQuotes() {
    Assertions.assertEquals(List.of("09", "Ciudad de México, CDMX", "say \"hi\""),
        Csv.fields("09,\"Ciudad de México, CDMX\",\"say \"\"hi\"\"\"", ','));
    IllegalArgumentException unbalanced = Assertions.assertThrows(
        IllegalArgumentException.class, () -> Csv.fields("a,\"b,c", ','));
    Assertions.assertTrue(unbalanced.getMessage().contains("unbalanced quotes"),
        unbalanced.getMessage());
  }

  @Test
  void quotedLinesGiveWhatTheParserGives() throws IOException {
    // INEGI's shape first, the Presidencia file's next, then lines that look quoted but are
    // not, hold quotes, or end in a delimiter.
    List<String> lines = List.of(
        "\" 01 001 \",\"Aguascalientes\",\"26\",\"1\",\"\",\"3\"",
        "1001,1,1,\"Dec-2006\",0,0,0,0",
        "\"Defunciones por homicidios\"", "\"\"", "\"\",\"\"", "\"a\",\"\"",
        "\"Total\",\"23,063\"", "\"a\",\",b\"", "\"a\"\",\"\"b\"", "\"a\",\"\"\",b\"",
        "\"a\",b,\"c\"", "\"say \"\"hi\"\"\",\"x\"", "a,\"b\"\"c\",d", "\"a\",", ",\"\",",
        "ab\"c,d", "a,b\"", "\"a\"b,c", "a,\"b\" ,c", " \"a\",b", "\"a\"\"\"",
        "\"a\"x\"b\",c");
    for (String line : lines) {
      Assertions.assertEquals(parsed(line), split(line), line);
    }
    for (String unclosed : List.of("\"a\",\"", "\"a\",\"b", "\"", "1,\"Dec-2006,0")) {
      IllegalArgumentException refused = Assertions.assertThrows(
          IllegalArgumentException.class, () -> Csv.fields(unclosed, ','), unclosed);
      Assertions.assertTrue(refused.getMessage().contains("unbalanced quotes"), unclosed);
    }
  }

  @Test
  void everyQuotedLineOfTheRealSamplesGivesWhatTheParserGives() throws IOException {
    java.nio.file.Path samples = org.violence.lakehouse.LakehouseTestBase.projectDir()
        .resolve("data-samples/mexico");
    int quoted = 0;
    for (String file : List.of("presidencia/drug_war_homicides_2006_2010.csv.bz2",
        "geography/municipality-heads.csv")) {
      for (String line : org.violence.lakehouse.io.TextFiles.readLines(
          new org.apache.hadoop.conf.Configuration(), samples.resolve(file).toUri().toString(),
          file, java.nio.charset.StandardCharsets.UTF_8)) {
        if (line.indexOf('"') >= 0) {
          quoted++;
          Assertions.assertEquals(parsed(line), split(line), file + ": " + line);
        }
      }
    }
    Assertions.assertTrue(quoted > 120_000, quoted + " quoted lines");
  }

  /** The fields commons-csv reads, or "refused" for a line it cannot read. */
  private static Object parsed(String line) throws IOException {
    try (CSVParser parser = CSVParser.parse(line, CSVFormat.DEFAULT)) {
      List<String> fields = new ArrayList<>();
      parser.getRecords().get(0).forEach(fields::add);
      return fields;
    } catch (java.io.UncheckedIOException | IllegalStateException e) {
      return "refused";
    }
  }

  private static Object split(String line) {
    try {
      return Csv.fields(line, ',');
    } catch (IllegalArgumentException e) {
      return "refused";
    }
  }
}
