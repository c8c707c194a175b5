package org.violence.lakehouse.sources;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * Lines without quotes and lines quoting every field are split by hand, the rest by
 * commons-csv: every path must give the fields RFC 4180 gives, including empty and trailing
 * fields.
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
  void fullyQuotedLinesGiveWhatTheParserGives() throws IOException {
    // INEGI's shape first, then lines that look fully quoted but are not, or hold quotes.
    List<String> lines = List.of(
        "\" 01 001 \",\"Aguascalientes\",\"26\",\"1\",\"\",\"3\"",
        "\"Defunciones por homicidios\"", "\"\"", "\"\",\"\"", "\"a\",\"\"",
        "\"Total\",\"23,063\"", "\"a\",\",b\"", "\"a\"\",\"\"b\"", "\"a\",\"\"\",b\"",
        "\"a\",b,\"c\"", "\"say \"\"hi\"\"\",\"x\"");
    for (String line : lines) {
      try (CSVParser parser = CSVParser.parse(line, CSVFormat.DEFAULT)) {
        List<String> expected = new ArrayList<>();
        parser.getRecords().get(0).forEach(expected::add);
        Assertions.assertEquals(expected, Csv.fields(line, ','), line);
      }
    }
    for (String unclosed : List.of("\"a\",\"", "\"a\",\"b", "\"")) {
      IllegalArgumentException refused = Assertions.assertThrows(
          IllegalArgumentException.class, () -> Csv.fields(unclosed, ','), unclosed);
      Assertions.assertTrue(refused.getMessage().contains("unbalanced quotes"), unclosed);
    }
  }
}
