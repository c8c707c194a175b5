package org.violence.lakehouse.sources;

import java.util.List;

/**
 * What a parser made of one raw file: typed records (without run lineage, added when landed) and
 * the lines it refused, each with its reason.
 */
public record ParsedFile<T>(String file, List<T> records, List<Rejected> rejected) {

  /** A line that could not become a record. */
  public record Rejected(String file, long lineNumber, String line, String reason) {}
}
