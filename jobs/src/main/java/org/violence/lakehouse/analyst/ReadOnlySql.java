package org.violence.lakehouse.analyst;

import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.analysis.PersistedView$;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.command.CreateViewCommand;
import scala.Function1;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

/**
 * Makes a session read-only: a check run on every analysed statement, before anything executes,
 * refuses every command but those that only read or describe ({@code DESCRIBE HISTORY},
 * {@code SHOW TABLES}, {@code SET}, {@code EXPLAIN}...) or touch only the client's own session
 * (a temporary view, a cached table). Queries are not commands and pass.
 *
 * <p>It is a list of what may run rather than of what may not because a write has many shapes
 * (SQL DML, Delta's own {@code OPTIMIZE}, {@code VACUUM}, {@code RESTORE}, DDL, {@code CREATE
 * TABLE AS}) and a new one arrives with each Spark or Delta release: an unknown command is
 * refused, not let through. Installed by class name ({@code spark.sql.extensions}), so Spark
 * calls the no-argument constructor.
 */
public final class ReadOnlySql extends AbstractFunction1<SparkSessionExtensions, BoxedUnit> {
  /** Spark's and Delta's commands that change neither a table nor the catalog. */
  static final Set<String> READING_COMMANDS = Set.of(
      "ShowTables", "ShowTablesCommand", "ShowTableExtended", "ShowViews", "ShowViewsCommand",
      "ShowNamespaces", "ShowColumns", "ShowColumnsCommand", "ShowFunctions",
      "ShowFunctionsCommand", "ShowCreateTable", "ShowCreateTableCommand",
      "ShowTableProperties", "ShowTablePropertiesCommand", "ShowPartitions",
      "ShowPartitionsCommand", "ShowCatalogsCommand", "ShowCurrentNamespace",
      "ShowCurrentNamespaceCommand", "DescribeRelation", "DescribeTableCommand",
      "DescribeColumn", "DescribeColumnCommand", "DescribeNamespace", "DescribeDatabaseCommand",
      "DescribeFunction", "DescribeFunctionCommand", "DescribeQueryCommand",
      "DescribeDeltaHistory", "DescribeDeltaHistoryCommand", "DescribeDeltaDetailCommand",
      "ExplainCommand", "SetCommand", "ResetCommand", "SetCatalogAndNamespace",
      "SetNamespaceCommand", "SetCatalogCommand", "CacheTable", "CacheTableAsSelect",
      "CacheTableCommand", "UncacheTable", "UncacheTableCommand", "ClearCacheCommand");

  static final String REFUSAL = "this endpoint is read-only: %s would change the lakehouse or "
      + "its catalog (start serve with --allow-writes to permit it)";

  @Override
  public BoxedUnit apply(SparkSessionExtensions extensions) {
    extensions.injectCheckRule(new AbstractFunction1<SparkSession,
        Function1<LogicalPlan, BoxedUnit>>() {
      @Override
      public Function1<LogicalPlan, BoxedUnit> apply(SparkSession session) {
        return new AbstractFunction1<LogicalPlan, BoxedUnit>() {
          @Override
          public BoxedUnit apply(LogicalPlan plan) {
            refuseWrites(plan);
            return BoxedUnit.UNIT;
          }
        };
      }
    });
    return BoxedUnit.UNIT;
  }

  /** Throws when {@code plan} holds a command that may write. */
  static void refuseWrites(LogicalPlan plan) {
    plan.foreach(new AbstractFunction1<LogicalPlan, BoxedUnit>() {
      @Override
      public BoxedUnit apply(LogicalPlan node) {
        if (node instanceof Command && !READING_COMMANDS.contains(node.getClass().getSimpleName())
            && !isTemporaryView(node)) {
          throw new UnsupportedOperationException(String.format(REFUSAL, node.nodeName()));
        }
        return BoxedUnit.UNIT;
      }
    });
  }

  /** A client's temporary view lives in its own session: it changes nothing shared. */
  private static boolean isTemporaryView(LogicalPlan node) {
    return node instanceof CreateViewCommand view && view.viewType() != PersistedView$.MODULE$;
  }
}
