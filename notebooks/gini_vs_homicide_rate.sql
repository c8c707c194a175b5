-- Databricks notebook source
-- MAGIC %md
-- MAGIC # Inequality (Gini) against the homicide rate
-- MAGIC
-- MAGIC CONEVAL's municipal Gini coefficient is observed in census years (1990, 2000, 2010) and
-- MAGIC filled in other years by the configured rule (`gini_observed` says which). Here: the
-- MAGIC municipalities where it was **observed**, against their homicide rate by year of
-- MAGIC registration. Small municipalities swing with a single death, so the scatter keeps
-- MAGIC those of at least `min_population` inhabitants (a widget: 10,000 unless given, e.g.
-- MAGIC `notebook --params min_population=50000`).

-- COMMAND ----------

CREATE WIDGET TEXT min_population DEFAULT "10000"

-- COMMAND ----------

-- chart: scatter x=gini y=homicide_rate_registration title="Gini and homicide rate (per 100,000), observed census years"
SELECT stable_municipality_code, municipality_name, state_name, year, population, gini,
       homicide_rate_registration
FROM gold.municipality_year_panel
WHERE country_code = 'MEX' AND gini_observed AND population >= :min_population AND homicide_rate_registration IS NOT NULL
ORDER BY gini

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Rates by Gini quintile
-- MAGIC
-- MAGIC Pooled rate of each quintile (total homicides over total population), so that large
-- MAGIC municipalities weigh by their people.

-- COMMAND ----------

-- chart: bar x=gini_quintile y=homicide_rate series=year title="Homicides per 100,000 by Gini quintile, per census year"
WITH observed AS (
  SELECT *, NTILE(5) OVER (PARTITION BY year ORDER BY gini) AS gini_quintile
  FROM gold.municipality_year_panel
  WHERE country_code = 'MEX' AND gini_observed
)
SELECT year, gini_quintile, COUNT(*) AS municipalities,
       ROUND(MIN(gini), 3) AS gini_from, ROUND(MAX(gini), 3) AS gini_to,
       ROUND(SUM(homicides_registration) * 100000.0 / SUM(population), 2) AS homicide_rate
FROM observed
GROUP BY year, gini_quintile
ORDER BY year, gini_quintile

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Correlation across municipalities

-- COMMAND ----------

SELECT year, COUNT(*) AS municipalities,
       ROUND(CORR(gini, homicide_rate_registration), 4) AS correlation
FROM gold.municipality_year_panel
WHERE country_code = 'MEX' AND gini_observed AND population >= :min_population
GROUP BY year
ORDER BY year
