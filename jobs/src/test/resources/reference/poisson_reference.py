#!/usr/bin/python3
"""Independent reference values for the configured first model (poisson_inequality_urbanisation).

Fits the same Poisson GLM with statsmodels (Debian's python3-statsmodels 0.13, IRLS) on the gold
panel exported as CSV, and writes the coefficients and classical standard errors that
PanelModelTest compares with MLlib's fit.

Reproduce:
  apt-get install -y python3-statsmodels
  # export gold.municipality_year_panel columns stable_municipality_code, year,
  # homicides_registration, log_population, gini, urbanisation, marginalisation to one CSV, then
  /usr/bin/python3 poisson_reference.py panel.csv > poisson_inequality_urbanisation.csv
"""
import sys

import numpy as np
import pandas as pd
import statsmodels.api as sm

panel = pd.read_csv(sys.argv[1], dtype={"stable_municipality_code": str})
panel = panel.dropna(subset=["homicides_registration", "log_population", "gini", "urbanisation",
                             "marginalisation"])
years = sorted(panel["year"].unique())
design = panel[["gini", "urbanisation", "marginalisation"]].astype(float)
for year in years[1:]:
    design[f"year_{year}"] = (panel["year"] == year).astype(float)
design = sm.add_constant(design, prepend=False).rename(columns={"const": "(Intercept)"})
fit = sm.GLM(panel["homicides_registration"].astype(float), design,
             family=sm.families.Poisson(), offset=panel["log_population"]).fit(tol=1e-12,
                                                                              maxiter=100)
print(f"# statsmodels GLM Poisson, n={int(fit.nobs)}, deviance={fit.deviance!r}")
print("term,estimate,std_error")
for term in design.columns:
    print(f"{term},{fit.params[term]!r},{fit.bse[term]!r}")
