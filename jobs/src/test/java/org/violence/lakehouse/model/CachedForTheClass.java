package org.violence.lakehouse.model;

import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Rows a test class's tests all read, made and cached on first use and released once the class
 * is done: its many fits each run a few Spark jobs, and each job would otherwise plan and scan
 * the Delta table again.
 */
final class CachedForTheClass {
  private final Supplier<Dataset<Row>> rows;
  private Dataset<Row> cached;

  CachedForTheClass(Supplier<Dataset<Row>> rows) {
    this.rows = rows;
  }

  synchronized Dataset<Row> get() {
    if (cached == null) {
      cached = rows.get().cache();
    }
    return cached;
  }

  synchronized void release() {
    if (cached != null) {
      cached.unpersist();
      cached = null;
    }
  }
}
