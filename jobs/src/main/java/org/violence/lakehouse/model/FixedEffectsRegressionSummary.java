package org.violence.lakehouse.model;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;

/**
 * What a fit found: coefficients, every kind of standard error computed (iid, hc1 and, with
 * cluster columns, the clustered one), intervals, fit statistics, the rows used and the rows
 * dropped with why, and the conventions behind the numbers. Like MLlib's training summaries it
 * lives with the fitted model and is not saved with it.
 */
public final class FixedEffectsRegressionSummary implements Serializable {
  private final GlmFamily family;
  private final List<String> terms;
  private final double[] coefficients;
  private final List<Inference.Variance> variances;
  private final String leadingVcov;
  private final List<String> fixedEffects;
  private final List<List<String>> fixedEffectLevels;
  private final double[][] fixedEffectValues;
  private final Inference.Sample sample;
  private final long droppedMissing;
  private final Cells.Dropped dropped;
  private final String solver;
  private final int iterations;
  private final boolean converged;
  private final double deviance;
  private final double pearson;
  private final double logLikelihood;

  FixedEffectsRegressionSummary(GlmFamily family, List<String> terms, Irls.Fit fit,
      Inference.Sample sample, List<Inference.Variance> variances, String leadingVcov,
      List<String> fixedEffects, List<List<String>> fixedEffectLevels, long droppedMissing,
      Cells.Dropped dropped, String solver) {
    this.family = family;
    this.terms = List.copyOf(terms);
    this.coefficients = fit.step().beta().clone();
    this.variances = List.copyOf(variances);
    this.leadingVcov = leadingVcov;
    this.fixedEffects = List.copyOf(fixedEffects);
    this.fixedEffectLevels = fixedEffectLevels;
    this.fixedEffectValues = fit.step().effectCoefficients();
    this.sample = sample;
    this.droppedMissing = droppedMissing;
    this.dropped = dropped;
    this.solver = solver;
    this.iterations = fit.iterations();
    this.converged = fit.converged();
    this.deviance = fit.scores().deviance;
    this.pearson = fit.scores().pearson;
    this.logLikelihood = family.isGaussian()
        ? -0.5 * sample.n() * (Math.log(2 * Math.PI * deviance / sample.n()) + 1)
            + 0.5 * fit.scores().logWeights
        : fit.scores().logLikelihood;
  }

  public GlmFamily family() {
    return family;
  }

  public List<String> terms() {
    return terms;
  }

  public double[] coefficients() {
    return coefficients.clone();
  }

  public double coefficient(String term) {
    return coefficients[index(term)];
  }

  /** Kinds of standard errors computed: iid, hc1 and, with cluster columns, cluster(...). */
  public List<VcovKind> vcovKinds() {
    return variances.stream().map(Inference.Variance::kind).toList();
  }

  /** The kind the model was asked to lead with (its {@code vcov} param). */
  public VcovKind vcov() {
    return variance(leadingVcov).kind();
  }

  public double[][] covariance(String kind) {
    return variance(kind).matrix();
  }

  public double[] standardErrors(String kind) {
    return variance(kind).standardErrors();
  }

  public double standardError(String term, String kind) {
    return standardErrors(kind)[index(term)];
  }

  public double[] statistics(String kind) {
    double[] se = standardErrors(kind);
    double[] t = new double[se.length];
    for (int j = 0; j < t.length; j++) {
      t[j] = coefficients[j] / se[j];
    }
    return t;
  }

  /** Two-sided p-values: t for OLS and quasi-Poisson, normal for Poisson and logit. */
  public double[] pValues(String kind) {
    Inference.Variance v = variance(kind);
    double[] t = statistics(kind);
    double[] p = new double[t.length];
    for (int j = 0; j < p.length; j++) {
      p[j] = v.pValue(t[j]);
    }
    return p;
  }

  /** Intervals at {@code level} (0.95 for 95%): {@code [j][0]} low, {@code [j][1]} high. */
  public double[][] confidenceIntervals(String kind, double level) {
    Inference.Variance v = variance(kind);
    double critical = v.criticalValue(level);
    double[] se = v.standardErrors();
    double[][] ci = new double[se.length][2];
    for (int j = 0; j < se.length; j++) {
      ci[j][0] = coefficients[j] - critical * se[j];
      ci[j][1] = coefficients[j] + critical * se[j];
    }
    return ci;
  }

  /** Degrees of freedom of the tests of that kind; infinity means the normal. */
  public double degreesOfFreedom(String kind) {
    return variance(kind).degreesOfFreedom();
  }

  /** K used in that kind's small-sample adjustment (nested effects left out when clustered). */
  public double parametersK(String kind) {
    return variance(kind).parametersK();
  }

  public long observations() {
    return sample.n();
  }

  public long droppedMissing() {
    return droppedMissing;
  }

  public long droppedSingletons() {
    return dropped.singletons();
  }

  public long droppedSeparated() {
    return dropped.separated();
  }

  public List<String> fixedEffects() {
    return fixedEffects;
  }

  public int fixedEffectLevelCount(int effect) {
    return fixedEffectLevels.get(effect).size();
  }

  List<String> fixedEffectLevels(int effect) {
    return fixedEffectLevels.get(effect);
  }

  double[] fixedEffectValues(int effect) {
    return fixedEffectValues[effect];
  }

  /** fixest's nparams: regressors plus the non-reference fixed-effect levels. */
  public int parameters() {
    return sample.parameters();
  }

  public String solver() {
    return solver;
  }

  public int iterations() {
    return iterations;
  }

  public boolean converged() {
    return converged;
  }

  public double deviance() {
    return deviance;
  }

  public double pearsonChi2() {
    return pearson;
  }

  public double logLikelihood() {
    return logLikelihood;
  }

  /** Pearson χ² / (N − K): above 1 signals overdispersion; the quasi-Poisson scale. */
  public double dispersion() {
    return pearson / sample.residualDf();
  }

  /** The conventions of the standard errors, as fixest's ssc() would print them. */
  public SmallSampleCorrection smallSampleCorrection() {
    return sample.ssc();
  }

  private Inference.Variance variance(String kind) {
    String wanted = kind.toLowerCase(Locale.ROOT).trim();
    for (Inference.Variance v : variances) {
      String label = v.kind().label();
      if (label.equals(wanted) || wanted.equals("cluster") && v.kind().kind()
          == VcovKind.Kind.CLUSTER || wanted.equals("hetero") && label.equals("hc1")) {
        return v;
      }
    }
    throw new IllegalArgumentException("no standard errors of kind '" + kind + "'; this fit "
        + "has " + vcovKinds().stream().map(VcovKind::label).toList());
  }

  private int index(String term) {
    int j = terms.indexOf(term);
    if (j < 0) {
      throw new IllegalArgumentException("no term '" + term + "'; the terms are " + terms);
    }
    return j;
  }
}
