#!/usr/bin/Rscript
# Independent reference values for FixedEffectsModelTest: the same models fitted by R's lm/glm
# with explicit factor dummies (no absorption, no alternating projections) and standard errors
# from sandwich (vcovHC / vcovCL, type HC1, cadjust = TRUE: G/(G-1) * (N-1)/(N-K)).
#
# Reproduce (Debian packages):
#   apt-get install -y r-base-core r-cran-sandwich r-cran-lmtest
#   # export gold.municipality_year_panel joined with bronze.municipality_seats_2007's
#   # km_to_us_border (columns: stable_municipality_code, state_code, year,
#   # homicides_registration, homicide_rate_registration, population, log_population, gini,
#   # poverty, urbanisation, marginalisation, km_to_us_border) to panel.csv, then
#   Rscript fixed_effects_reference.R panel.csv > fixed_effects_reference.csv
#
# The dummy-variable fits use the municipalities of states 01-10 (312 municipalities x 26
# years): with every municipality of the country, R's dense QR of a 62,478 x 2,430 model matrix
# takes hours. For Poisson the rows that carry no information are dropped first, as the
# estimator under test does (municipalities and years whose outcome is zero throughout; their
# dummies would go to minus infinity and leave the other estimates unchanged).
suppressMessages({library(sandwich)})
args <- commandArgs(trailingOnly = TRUE)
panel <- read.csv(args[1], colClasses = c(stable_municipality_code = "character",
                                          state_code = "character"))
out <- function(model, vcov, fit, V, terms) {
  for (t in terms) {
    cat(sprintf("%s,%s,%s,%.17g,%.17g\n", model, vcov, t, coef(fit)[[t]], sqrt(V[t, t])))
  }
}
cat("model,vcov,term,estimate,std_error\n")

# (a) 2010 cross-section, OLS with intercept.
cs <- subset(panel, year == 2010)
cs <- cs[complete.cases(cs[, c("homicide_rate_registration", "gini", "poverty", "urbanisation",
                               "log_population", "km_to_us_border")]), ]
fit <- lm(homicide_rate_registration ~ gini + poverty + urbanisation + log_population +
            km_to_us_border, data = cs)
terms <- c("(Intercept)", "gini", "poverty", "urbanisation", "log_population", "km_to_us_border")
out("cross_section_2010", "iid", fit, vcov(fit), terms)
out("cross_section_2010", "hc1", fit, vcovHC(fit, type = "HC1"), terms)
out("cross_section_2010", "cluster(state)", fit,
    vcovCL(fit, cluster = ~state_code, type = "HC1"), terms)

# (b) OLS with municipality and year dummies, states 01-10.
sub <- subset(panel, as.integer(state_code) <= 10)
sub <- sub[complete.cases(sub[, c("homicide_rate_registration", "gini", "urbanisation",
                                  "marginalisation")]), ]
fe_terms <- c("gini", "urbanisation", "marginalisation")
fit <- lm(homicide_rate_registration ~ gini + urbanisation + marginalisation +
            factor(stable_municipality_code) + factor(year), data = sub)
out("ols_fe", "iid", fit, vcov(fit), fe_terms)
out("ols_fe", "hc1", fit, vcovHC(fit, type = "HC1"), fe_terms)
out("ols_fe", "cluster(state)", fit, vcovCL(fit, cluster = ~state_code, type = "HC1"), fe_terms)
out("ols_fe", "cluster(municipality, year)", fit,
    vcovCL(fit, cluster = ~stable_municipality_code + year, type = "HC1", multi0 = FALSE),
    fe_terms)

# (c) Poisson with municipality and year dummies and log population offset, states 01-10.
pois <- sub
repeat {
  n <- nrow(pois)
  pois <- pois[ave(pois$homicides_registration, pois$stable_municipality_code, FUN = sum) > 0, ]
  pois <- pois[ave(pois$homicides_registration, pois$year, FUN = sum) > 0, ]
  if (nrow(pois) == n) break
}
cat(sprintf("# poisson_fe rows after dropping all-zero municipalities: %d of %d\n",
            nrow(pois), nrow(sub)), file = stderr())
control <- glm.control(epsilon = 1e-13, maxit = 100)
fit <- glm(homicides_registration ~ gini + urbanisation + marginalisation +
             factor(stable_municipality_code) + factor(year) + offset(log_population),
           family = poisson, data = pois, control = control)
out("poisson_fe", "iid", fit, vcov(fit), fe_terms)
out("poisson_fe", "hc1", fit, vcovHC(fit, type = "HC1"), fe_terms)
out("poisson_fe", "cluster(state)", fit, vcovCL(fit, cluster = ~state_code, type = "HC1"),
    fe_terms)
out("poisson_fe", "cluster(municipality, year)", fit,
    vcovCL(fit, cluster = ~stable_municipality_code + year, type = "HC1", multi0 = FALSE),
    fe_terms)
quasi <- glm(homicides_registration ~ gini + urbanisation + marginalisation +
               factor(stable_municipality_code) + factor(year) + offset(log_population),
             family = quasipoisson, data = pois, control = control)
out("quasipoisson_fe", "iid", quasi, vcov(quasi), fe_terms)
