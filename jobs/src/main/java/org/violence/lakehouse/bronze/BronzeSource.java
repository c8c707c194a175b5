package org.violence.lakehouse.bronze;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.sources.ParsedFile;

/**
 * A raw source landed as one bronze table: typed as the file has it, plus lineage. The parse is
 * a pure function of the file's text; reading and writing happen in {@link BronzeIngest}.
 */
public interface BronzeSource {

  /** Key of the source under {@code sources:} in the config. */
  String configKey();

  Table table();

  /** Schema of the parsed rows, without the lineage columns. */
  StructType schema();

  /**
   * Parses one file; {@code year} is the file's year for yearly sources, otherwise null.
   * Rows carry {@code line_number} first and then the {@link #schema()} fields.
   */
  ParsedFile<Row> parse(String file, List<String> lines, Integer year);
}
