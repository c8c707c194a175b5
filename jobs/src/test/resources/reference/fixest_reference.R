#!/usr/bin/Rscript
# Reference values for FixedEffectsRegressionTest, computed by R fixest 0.12.1 (the field's tool
# for fixed-effects models) on the lakehouse's own gold.municipality_year_panel.
#
# Reproduce (offline, from the project's root):
#   jobs/r/install.sh /opt/rlib
#   # export the Mexican rows of gold.municipality_year_panel to panel.csv, e.g.
#   #   jobs/bin ... sql --format csv --query "select * from gold.municipality_year_panel
#   #     where country_code = 'MEX' order by stable_municipality_code, year" > panel.csv
#   R_LIBS=/opt/rlib Rscript fixest_reference.R panel.csv > fixest_reference.csv
#
# Conventions: fixest's defaults (ssc(): adj, fixef.K = "nested", cluster.adj, cluster.df = "min",
# t.df = "min") except that singletons are dropped as reghdfe and ppmlhdfe drop them
# (fixef.rm = "both" for GLMs, "singleton" for OLS), as the lakehouse does by default. Tolerances
# are tightened so that what remains is rounding: glm.tol 3e-13 and fixef.tol 3e-12 (their floors).
suppressMessages(library(fixest))
args <- commandArgs(trailingOnly = TRUE)
panel <- read.csv(args[1], colClasses = c(stable_municipality_code = "character",
                                          state_code = "character"))
panel$route_after_2006 <- as.numeric(panel$on_trafficking_route == "true") * as.numeric(panel$after_2006 == "true")
panel$any_homicide <- as.numeric(panel$homicides_registration > 0)
tight <- list(fixef.tol = 3e-12)
tight_glm <- c(tight, list(glm.tol = 3e-13, glm.iter = 200))
vcovs <- list("iid" = "iid", "hc1" = "hetero", "cluster(state)" = ~state_code,
              "cluster(municipality, year)" = ~stable_municipality_code + year,
              "cluster(state, year)" = ~state_code + year)
# Our term names for R's.
names_ours <- c(route_after_2006 = "on_trafficking_route:after_2006")
out <- function(model, fit, kinds) {
  for (kind in kinds) {
    ct <- coeftable(fit, vcov = vcovs[[kind]])
    for (i in seq_len(nrow(ct))) {
      term <- rownames(ct)[i]
      if (term %in% names(names_ours)) term <- names_ours[[term]]
      cat(sprintf("%s,%s,%s,%.17g,%.17g,%.17g,%d\n", model, kind, term, ct[i, 1], ct[i, 2],
                  ct[i, 4], nobs(fit)))
    }
  }
}
all_kinds <- c("iid", "hc1", "cluster(state)", "cluster(municipality, year)")
cat("model,vcov,term,estimate,std_error,p_value,observations\n")

cs <- subset(panel, year == 2010)
out("cross_section_2010", feols(homicide_rate_registration ~ gini + poverty + urbanisation +
      log_population + km_to_us_border, cs), c("iid", "hc1", "cluster(state)"))

fe <- "gini + urbanisation + marginalisation"
ols <- do.call(feols, c(list(as.formula(paste("homicide_rate_registration ~", fe,
      "| stable_municipality_code + year")), panel, fixef.rm = "singleton"), tight))
out("ols_fe", ols, all_kinds)

wols <- do.call(feols, c(list(as.formula(paste("homicide_rate_registration ~", fe,
      "| stable_municipality_code + year")), panel, weights = ~population,
      fixef.rm = "singleton"), tight))
out("weighted_ols_fe", wols, c("iid", "hc1", "cluster(state)"))

pois <- do.call(fepois, c(list(homicides_registration ~ gini + urbanisation + marginalisation +
      route_after_2006 | stable_municipality_code + year, panel, offset = ~log_population,
      fixef.rm = "both"), tight_glm))
out("poisson_fe_inequality", pois, c(all_kinds, "cluster(state, year)"))

quasi <- do.call(feglm, c(list(as.formula(paste("homicides_registration ~", fe,
      "| stable_municipality_code + year")), panel, family = quasipoisson,
      offset = ~log_population, fixef.rm = "both"), tight_glm))
out("quasipoisson_fe", quasi, c("iid", "cluster(state)"))

war <- do.call(fepois, c(list(as.formula(paste("drug_war_homicides ~", fe,
      "| stable_municipality_code + year")), subset(panel, year >= 2007 & year <= 2010),
      offset = ~log_population, fixef.rm = "both"), tight_glm))
out("poisson_fe_drug_war", war, c("iid", "cluster(state)"))

logit <- do.call(feglm, c(list(as.formula(paste("any_homicide ~", fe,
      "| stable_municipality_code + year")), panel, family = binomial("logit"),
      fixef.rm = "both"), tight_glm))
out("logit_fe", logit, c("iid", "hc1", "cluster(state)"))

# Three effects, one of them an interaction (state x year): alternating projections, and
# effects nested in the cluster left out of K (municipality and state^year within state).
sy <- do.call(fepois, c(list(as.formula(paste("homicides_registration ~", fe,
      "| stable_municipality_code + year + state_code^year")), panel, offset = ~log_population,
      fixef.rm = "both"), tight_glm))
out("poisson_fe_state_year", sy, c("iid", "cluster(state)"))

olsy <- do.call(feols, c(list(as.formula(paste("homicide_rate_registration ~", fe,
      "| stable_municipality_code + state_code^year")), panel, fixef.rm = "singleton"), tight))
out("ols_fe_state_year", olsy, c("iid", "hc1", "cluster(state)"))

yearfe <- do.call(fepois, c(list(as.formula(paste("homicides_registration ~", fe, "| year")),
      panel, offset = ~log_population, fixef.rm = "both"), tight_glm))
out("poisson_year_fe", yearfe, c("iid", "cluster(state)"))
