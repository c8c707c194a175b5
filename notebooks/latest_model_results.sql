-- Databricks notebook source
-- MAGIC %md
-- MAGIC # Latest model results
-- MAGIC
-- MAGIC The specifications of `conf/lakehouse.yaml` as last fitted (`gold.model_runs`), their
-- MAGIC coefficients with standard errors of the configured kind (`gold.model_coefficients`),
-- MAGIC and how well the Poisson models fit (`gold.model_fitted`). Poisson coefficients are on
-- MAGIC the log scale: exp(estimate) is the rate ratio of a one-unit change. `solver` says which
-- MAGIC path fitted each model, `small_sample` the conventions of its standard errors (fixest's).

-- COMMAND ----------

SELECT model, formula, family, vcov, observations, dropped_missing, dropped_singletons,
       dropped_separated, converged, ROUND(dispersion, 3) AS dispersion, solver, small_sample,
       message
FROM gold.model_runs
ORDER BY model

-- COMMAND ----------

SELECT model, term, ROUND(estimate, 6) AS estimate, ROUND(std_error, 6) AS std_error,
       ROUND(p_value, 4) AS p_value, ROUND(ci_low, 6) AS ci_low, ROUND(ci_high, 6) AS ci_high,
       CASE WHEN p_value < 0.001 THEN '***' WHEN p_value < 0.01 THEN '**'
            WHEN p_value < 0.05 THEN '*' ELSE '' END AS significance
FROM gold.model_coefficients
ORDER BY model, term

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Observed against fitted, by year

-- COMMAND ----------

-- chart: line x=year y=total series=series title="Observed and fitted totals by year and model"
SELECT year, CONCAT(model, ' observed') AS series, SUM(observed) AS total
FROM gold.model_fitted GROUP BY model, year
UNION ALL
SELECT year, CONCAT(model, ' fitted') AS series, SUM(fitted) AS total
FROM gold.model_fitted GROUP BY model, year
ORDER BY series, year
