#!/usr/bin/Rscript
# Reference values for FormulaOnPanelTest: the formula language's constructs (transforms,
# poly(), i() and event studies, panel lags/leads/differences, sw()/csw() and several outcomes)
# and the default event-study, between and long-difference models, fitted by R fixest 0.12.1
# on the lakehouse's gold.municipality_year_panel.
#
# Reproduce (offline, from the project's root): as fixest_reference.R, with
#   R_LIBS=/opt/rlib Rscript fixest_formula_reference.R panel.csv > fixest_formula_reference.csv
#
# The panel's booleans (read as "true"/"false") become 0/1, as the lakehouse casts them. Panel
# operators use the municipality x year index (panel.id), on the whole panel. Singletons are
# dropped as the lakehouse does (fixef.rm = "both" for GLMs, "singleton" for OLS); tolerances
# at their floors, as in fixest_reference.R.
suppressMessages(library(fixest))
args <- commandArgs(trailingOnly = TRUE)
panel <- read.csv(args[1], colClasses = c(stable_municipality_code = "character",
                                          state_code = "character"))
for (flag in c("on_trafficking_route", "after_2006")) {
  panel[[flag]] <- as.numeric(panel[[flag]] == "true")
}
tight <- list(fixef.tol = 3e-12)
tight_glm <- c(tight, list(glm.tol = 3e-13, glm.iter = 200))
vcovs <- list("iid" = "iid", "hc1" = "hetero", "cluster(state)" = ~state_code)
out <- function(model, fit, kinds = c("iid", "cluster(state)")) {
  for (kind in kinds) {
    ct <- coeftable(fit, vcov = vcovs[[kind]])
    for (i in seq_len(nrow(ct))) {
      cat(sprintf("%s,%s,%s,%.17g,%.17g,%.17g,%d\n", model, kind, rownames(ct)[i], ct[i, 1],
                  ct[i, 2], ct[i, 4], nobs(fit)))
    }
  }
}
ols <- function(fml, data = panel, ...) {
  do.call(feols, c(list(fml, data, fixef.rm = "singleton", ...), tight))
}
pois <- function(fml, data = panel, ...) {
  do.call(fepois, c(list(fml, data, offset = ~log_population, fixef.rm = "both", ...),
                    tight_glm))
}
cat("model,vcov,term,estimate,std_error,p_value,observations\n")

out("transforms", ols(log1p(homicides_registration) ~ log(population) + sqrt(urbanisation) +
      I(gini^2) + I(100 * gini - marginalisation / 2) + exp(gini) |
      stable_municipality_code + year))

out("polynomial", ols(homicide_rate_registration ~ poly(urbanisation, 2) + poly(gini, 2, raw = TRUE) |
      stable_municipality_code + year))

# The default event study (conf/lakehouse.yaml).
out("event_study_routes", pois(homicides_registration ~ i(year, on_trafficking_route, ref = 2006) |
      stable_municipality_code + year))

out("year_dummies", ols(homicide_rate_registration ~ i(year, ref = c(1990, 2006)) + gini |
      stable_municipality_code))

out("interaction", ols(homicide_rate_registration ~ gini * after_2006 + log(population):urbanisation |
      stable_municipality_code))

out("panel_operators", pois(homicides_registration ~ l(homicide_rate_registration, 1) +
      f(gini) + d(urbanisation) + l(marginalisation, 1:2) | stable_municipality_code + year,
      panel.id = ~stable_municipality_code + year))

# A text factor times a variable, a difference of a transform, and weights and a degree-3
# polynomial with a range of lags.
out("text_factor", ols(homicide_rate_registration ~ i(state_code, gini) + d(log(population)) |
      stable_municipality_code + year, panel.id = ~stable_municipality_code + year))
out("weighted_expression", ols(homicide_rate_registration ~ poly(urbanisation, 3) +
      l(gini, 1:2) | stable_municipality_code + year, weights = ~sqrt(population),
      panel.id = ~stable_municipality_code + year))

# i() without ref leaves out its first level; then a regressor constant within the fixed
# effects, and one collinear with earlier ones, are removed (fixest's collin.var). The drug-war
# indicator's levels as the lakehouse names a boolean's, FALSE and TRUE (fixest gives a logical
# column's single dummy an odd name of its own).
logical <- panel
logical$after_2006 <- ifelse(logical$after_2006 == 1, "TRUE", "FALSE")
out("collinear", ols(homicide_rate_registration ~ gini + i(after_2006) + on_trafficking_route +
      I(2 * gini) | stable_municipality_code, data = logical))

# Comparisons and logic inside I(), 1 where true: a period or a threshold written in the formula
# rather than kept as a column, a quoted code against a text column, and a condition as a
# logit's outcome. fixest 0.12.1 fails on a formula of conditions alone ("The current SEXP type
# is not supported by the sMat class"; the lakehouse fits it), and names each condition after its
# TRUE level when a comparison reads text.
out("logical", ols(homicide_rate_registration ~ I(year >= 2007) +
      I(gini > 0.4 & urbanisation < 50) + I(!on_trafficking_route | marginalisation > 0) +
      gini | stable_municipality_code))
out("logical_text", ols(homicide_rate_registration ~ I(state_code == "09") +
      I(state_code != "02" & gini > 0.45) + gini | year))
# Terms as R's terms() orders them: main effects first, an interaction's variables in the
# order they first appear (urbanisation:gini after gini is gini:urbanisation).
out("term_order", ols(homicide_rate_registration ~ gini + urbanisation:gini +
      log(population):urbanisation + log(population) | stable_municipality_code))
# R's factor(): named by level, the first left out where R codes the factor by contrasts (a
# main effect; beside its numeric margin), all kept where not (a slope per state).
out("factors", ols(homicide_rate_registration ~ factor(year) + gini | stable_municipality_code))
out("factor_slopes", ols(homicide_rate_registration ~ factor(state_code):gini +
      log(population) | year))
out("factor_interaction", ols(homicide_rate_registration ~ as.factor(year) * urbanisation |
      stable_municipality_code))
out("logical_outcome", do.call(feglm, c(list(I(homicides_registration > 0) ~ gini +
      urbanisation | year, panel, family = binomial, fixef.rm = "both"), tight_glm)))

# The default between and long-difference models: panel operators in the outcome, on the
# 2010 rows. fixest's l()/f() inside a formula with subset = misaligns rows (it warns
# "longer object length is not a multiple"), so the lags are taken first with fixest's
# lag.formula on the whole panel, and the terms renamed as the formula names them.
lagged <- function(var, k) lag(as.formula(paste(var, "~ stable_municipality_code + year")),
                               k, panel)
rate <- panel$homicide_rate_registration
panel$mean_2008_2012 <- (lagged("homicide_rate_registration", 2) +
  lagged("homicide_rate_registration", 1) + rate + lagged("homicide_rate_registration", -1) +
  lagged("homicide_rate_registration", -2)) / 5
for (v in c("homicide_rate_registration", "gini", "urbanisation")) {
  panel[[paste0("d10_", v)]] <- panel[[v]] - lagged(v, 10)
}
y2010 <- subset(panel, year == 2010)
out("between_2008_2012", feols(mean_2008_2012 ~ gini + poverty + urbanisation | state_code,
      y2010, fixef.tol = 3e-12))
long <- feols(d10_homicide_rate_registration ~ d10_gini + d10_urbanisation, y2010)
names(long$coefficients) <- c("(Intercept)", "d(gini, 10)", "d(urbanisation, 10)")
out("long_difference_2000_2010", long, c("iid", "hc1"))

multi <- pois(c(homicides_registration, drug_war_homicides) ~ csw(gini, urbanisation) |
      stable_municipality_code + year, data = subset(panel, year >= 2007 & year <= 2010))
for (i in seq_along(multi)) out(paste0("stepwise.", i), multi[[i]])
steps0 <- pois(homicides_registration ~ gini + sw0(urbanisation, marginalisation) |
      stable_municipality_code + year, data = subset(panel, year >= 2007 & year <= 2010))
for (i in seq_along(steps0)) out(paste0("steps0.", i), steps0[[i]])
