package org.violence.lakehouse.io;

import java.util.Map;

/** Lineage columns carried by every bronze row and every quarantined record. */
public final class Lineage {
  public static final String SOURCE_FILE = "source_file";
  public static final String LINE_NUMBER = "line_number";
  public static final String RUN_ID = "run_id";
  public static final String LOAD_TIME = "load_time";

  public static final Map<String, String> COMMENTS = Map.of(
      SOURCE_FILE, "Raw file the row was read from, relative to the inputs folder",
      LINE_NUMBER, "1-based line of the raw file",
      RUN_ID, "Identifier of the pipeline run that loaded the row",
      LOAD_TIME, "When the run loaded the row (UTC)");

  private Lineage() {}
}
