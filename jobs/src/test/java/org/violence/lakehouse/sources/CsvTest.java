package org.violence.lakehouse.sources;

import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * Lines without quotes are split by hand, the rest by commons-csv: both paths must give the
 * fields RFC 4180 gives, including empty and trailing fields.
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
}
