package org.violence.lakehouse.model;

import java.util.Locale;

/**
 * The small-sample conventions of the standard errors, as fixest's {@code ssc()} sets them, and
 * with its defaults:
 * <ul>
 * <li>{@code adjust}: multiply every variance by (N − 1)/(N − K);</li>
 * <li>{@code fixedEffectsK}: which fixed-effect coefficients count in K: {@code none},
 *     {@code full}, or {@code nested} (the default of fixest, reghdfe and ppmlhdfe: with
 *     clustered errors, an effect nested in a cluster, such as municipality within state, is not
 *     counted, since the cluster sums already remove what it absorbs);</li>
 * <li>{@code clusterAdjust}: multiply clustered variances by G/(G − 1) (and heteroskedasticity-
 *     robust ones by N/(N − 1), which with the first gives HC1);</li>
 * <li>{@code clusterDf}: with several clusterings, {@code min} uses the smallest G in that factor
 *     for every term, {@code conventional} each term's own G (R's sandwich);</li>
 * <li>{@code tDf}: degrees of freedom of t-tests when clustered: {@code min} (smallest G − 1) or
 *     {@code conventional} (N − K). t-tests are used for OLS and quasi-Poisson only; Poisson and
 *     logit use the normal, as glm and fixest do.</li>
 * </ul>
 * Written in config and in the run record as
 * {@code adj=true; fixef.K=nested; cluster.adj=true; cluster.df=min; t.df=min}.
 */
public record SmallSampleCorrection(boolean adjust, FixedEffectsK fixedEffectsK,
    boolean clusterAdjust, boolean minimumClusterDf, boolean minimumTDf) {

  public enum FixedEffectsK { NONE, NESTED, FULL }

  /** fixest's default {@code ssc()}. */
  public static final SmallSampleCorrection FIXEST = new SmallSampleCorrection(true,
      FixedEffectsK.NESTED, true, true, true);

  public String label() {
    return "adj=" + adjust + "; fixef.K=" + fixedEffectsK.name().toLowerCase(Locale.ROOT)
        + "; cluster.adj=" + clusterAdjust + "; cluster.df="
        + (minimumClusterDf ? "min" : "conventional") + "; t.df="
        + (minimumTDf ? "min" : "conventional");
  }

  /** Parses {@link #label()}; keys left out keep fixest's default. */
  public static SmallSampleCorrection parse(String text) {
    SmallSampleCorrection s = FIXEST;
    if (text == null || text.isBlank()) {
      return s;
    }
    for (String part : text.split(";")) {
      String[] kv = part.split("=", -1);
      if (kv.length != 2) {
        throw new IllegalArgumentException("'" + part.trim() + "' is not key=value; write e.g. "
            + FIXEST.label());
      }
      String key = kv[0].trim();
      String value = kv[1].trim().toLowerCase(Locale.ROOT);
      s = switch (key) {
        case "adj" -> new SmallSampleCorrection(bool(key, value), s.fixedEffectsK,
            s.clusterAdjust, s.minimumClusterDf, s.minimumTDf);
        case "fixef.K" -> new SmallSampleCorrection(s.adjust, fixedEffectsK(value),
            s.clusterAdjust, s.minimumClusterDf, s.minimumTDf);
        case "cluster.adj" -> new SmallSampleCorrection(s.adjust, s.fixedEffectsK,
            bool(key, value), s.minimumClusterDf, s.minimumTDf);
        case "cluster.df" -> new SmallSampleCorrection(s.adjust, s.fixedEffectsK,
            s.clusterAdjust, minOrConventional(key, value), s.minimumTDf);
        case "t.df" -> new SmallSampleCorrection(s.adjust, s.fixedEffectsK, s.clusterAdjust,
            s.minimumClusterDf, minOrConventional(key, value));
        default -> throw new IllegalArgumentException("unknown small-sample key '" + key
            + "'; the keys are adj, fixef.K, cluster.adj, cluster.df and t.df");
      };
    }
    return s;
  }

  private static boolean bool(String key, String value) {
    if (!value.equals("true") && !value.equals("false")) {
      throw new IllegalArgumentException(key + "=" + value + ": expected true or false");
    }
    return Boolean.parseBoolean(value);
  }

  private static FixedEffectsK fixedEffectsK(String value) {
    try {
      return FixedEffectsK.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("fixef.K=" + value + ": expected none, nested or full");
    }
  }

  private static boolean minOrConventional(String key, String value) {
    if (!value.equals("min") && !value.equals("conventional")) {
      throw new IllegalArgumentException(key + "=" + value + ": expected min or conventional");
    }
    return value.equals("min");
  }
}
