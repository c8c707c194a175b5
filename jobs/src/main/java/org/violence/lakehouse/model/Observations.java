package org.violence.lakehouse.model;

/**
 * The rows of a prepared sample, wherever they are: collected on the driver (the local path) or
 * cached across the executors (the distributed path). IRLS only ever asks for sums over them.
 */
interface Observations {
  /** Number of regressors (the intercept included when there is one). */
  int regressors();

  /** {@code zero} with every row added, partial sums merged. */
  <S extends RowStatistics<S>> S aggregate(S zero);

  /** Frees what the rows hold (a cached RDD). */
  default void release() {}
}
