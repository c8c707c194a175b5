package org.violence.lakehouse.model;

/** The few dense k × k operations the estimators need; k is the number of regressors. */
final class Matrices {
  private Matrices() {}

  static double[] times(double[][] m, double[] v) {
    double[] r = new double[m.length];
    for (int a = 0; a < m.length; a++) {
      for (int b = 0; b < v.length; b++) {
        r[a] += m[a][b] * v[b];
      }
    }
    return r;
  }

  /** A · M · A for symmetric A (the sandwich). */
  static double[][] sandwich(double[][] a, double[][] meat) {
    int k = a.length;
    double[][] am = new double[k][k];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        for (int l = 0; l < k; l++) {
          am[i][j] += a[i][l] * meat[l][j];
        }
      }
    }
    double[][] r = new double[k][k];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        for (int l = 0; l < k; l++) {
          r[i][j] += am[i][l] * a[l][j];
        }
      }
    }
    return r;
  }

  /**
   * Inverse of a symmetric positive definite matrix by Gauss–Jordan elimination (no pivoting is
   * needed for such a matrix). A pivot that vanishes relative to its own diagonal entry means
   * that regressor is a combination of the earlier ones.
   */
  static double[][] inverse(double[][] m) {
    int k = m.length;
    double[][] a = new double[k][2 * k];
    for (int i = 0; i < k; i++) {
      System.arraycopy(m[i], 0, a[i], 0, k);
      a[i][k + i] = 1;
    }
    for (int c = 0; c < k; c++) {
      double p = a[c][c];
      if (!(p > 1e-10 * m[c][c])) {
        throw new ArithmeticException("regressor " + (c + 1) + " is collinear with the earlier "
            + "ones, or constant within the fixed effects");
      }
      for (int j = 0; j < 2 * k; j++) {
        a[c][j] /= p;
      }
      for (int r = 0; r < k; r++) {
        if (r != c && a[r][c] != 0) {
          double f = a[r][c];
          for (int j = 0; j < 2 * k; j++) {
            a[r][j] -= f * a[c][j];
          }
        }
      }
    }
    double[][] inv = new double[k][k];
    for (int i = 0; i < k; i++) {
      System.arraycopy(a[i], k, inv[i], 0, k);
    }
    return inv;
  }
}
