package org.violence.lakehouse.model;

import java.io.Serializable;

/**
 * Rows of a prepared sample in columns of primitives: the whole sample on the local path, one
 * partition on the distributed one. A few large arrays instead of an object per row keep the
 * cached sample small (15 million certificates with 12 regressors: 1.6 GB, not 2.5) and cheap to
 * spill and read back.
 */
final class RowBlock implements Serializable {
  final int size;
  final int k;
  final double[] outcome;
  final double[] offset;
  final double[] weight;
  /** Row i's regressors at {@code [i·k, (i+1)·k)}. */
  final double[] regressors;
  /** Row i's cell in sorted order ({@link Cells}). */
  final int[] cell;

  RowBlock(int size, int k) {
    this.size = size;
    this.k = k;
    this.outcome = new double[size];
    this.offset = new double[size];
    this.weight = new double[size];
    this.regressors = new double[size * k];
    this.cell = new int[size];
  }

  /**
   * Fills row i; {@code x} from {@code xFrom} on are the features, after a leading 1 when there is
   * an intercept.
   */
  void set(int i, double y, double rowOffset, double rowWeight, double[] x, int xFrom,
      int rowCell, boolean intercept) {
    outcome[i] = y;
    offset[i] = rowOffset;
    weight[i] = rowWeight;
    int from = i * k;
    if (intercept) {
      regressors[from++] = 1;
    }
    System.arraycopy(x, xFrom, regressors, from, x.length - xFrom);
    cell[i] = rowCell;
  }

  /** Fills blocks of at most {@code capacity} rows, one row at a time. */
  static final class Builder {
    private final int capacity;
    private final int k;
    private final boolean intercept;
    private RowBlock block;
    private int filled;

    Builder(int capacity, int k, boolean intercept) {
      this.capacity = capacity;
      this.k = k;
      this.intercept = intercept;
      this.block = new RowBlock(capacity, k);
    }

    void add(double y, double offset, double weight, double[] x, int cell) {
      block.set(filled++, y, offset, weight, x, 0, cell, intercept);
    }

    boolean full() {
      return filled == capacity;
    }

    /** The rows added since the last build, in a block of exactly that size. */
    RowBlock build() {
      RowBlock done = filled == capacity ? block : block.truncated(filled);
      block = new RowBlock(capacity, k);
      filled = 0;
      return done;
    }
  }

  private RowBlock truncated(int rows) {
    RowBlock copy = new RowBlock(rows, k);
    System.arraycopy(outcome, 0, copy.outcome, 0, rows);
    System.arraycopy(offset, 0, copy.offset, 0, rows);
    System.arraycopy(weight, 0, copy.weight, 0, rows);
    System.arraycopy(regressors, 0, copy.regressors, 0, rows * k);
    System.arraycopy(cell, 0, copy.cell, 0, rows);
    return copy;
  }
}
