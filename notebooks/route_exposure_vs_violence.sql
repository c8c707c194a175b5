-- Databricks notebook source
-- MAGIC %md
-- MAGIC # Trafficking-route exposure against violence
-- MAGIC
-- MAGIC After Dell (AER 2015): predicted least-cost routes from producing municipalities to US
-- MAGIC ports of entry (`silver.trafficking_routes`), and each panel unit's exposure to them
-- MAGIC (`on_trafficking_route`, `trafficking_routes`, `km_to_trafficking_route`, columns of
-- MAGIC `gold.municipality_year_panel`). Rates are pooled: total homicides over total population.

-- COMMAND ----------

-- MAGIC %md
-- MAGIC Years shown: widgets `first_year` and `last_year` (the configured panel, 1990-2015, unless
-- MAGIC given, e.g. `notebook --params first_year=2006,last_year=2012`).

-- COMMAND ----------

CREATE WIDGET TEXT first_year DEFAULT "1990";
CREATE WIDGET TEXT last_year DEFAULT "2015"

-- COMMAND ----------

-- chart: bar x=exposure y=homicide_rate title="Homicides per 100,000: municipalities on and off a predicted route"
SELECT CASE WHEN on_trafficking_route THEN 'on a route' ELSE 'off routes' END AS exposure,
       COUNT(DISTINCT stable_municipality_code) AS municipalities,
       SUM(homicides_registration) AS homicides,
       SUM(population) AS population,
       ROUND(SUM(homicides_registration) * 100000.0 / SUM(population), 2) AS homicide_rate
FROM gold.municipality_year_panel
WHERE country_code = 'MEX' AND year BETWEEN :first_year AND :last_year
GROUP BY 1
ORDER BY 1

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## By distance to the nearest route

-- COMMAND ----------

-- chart: bar x=km_band y=homicide_rate title="Homicides per 100,000 by network distance to the nearest predicted route"
SELECT CASE WHEN km_to_trafficking_route = 0 THEN '0 (on a route)'
            WHEN km_to_trafficking_route <= 50 THEN '0-50 km'
            WHEN km_to_trafficking_route <= 150 THEN '50-150 km'
            WHEN km_to_trafficking_route IS NOT NULL THEN 'over 150 km'
            ELSE 'not connected' END AS km_band,
       COUNT(DISTINCT stable_municipality_code) AS municipalities,
       ROUND(SUM(homicides_registration) * 100000.0 / SUM(population), 2) AS homicide_rate
FROM gold.municipality_year_panel
WHERE country_code = 'MEX' AND year BETWEEN :first_year AND :last_year
GROUP BY 1
ORDER BY MIN(COALESCE(km_to_trafficking_route, 1e9))

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Routes per unit and the homicide rate, by year

-- COMMAND ----------

-- chart: line x=year y=homicide_rate series=routes_crossing title="Homicides per 100,000 by number of predicted routes crossing the unit"
SELECT year,
       CASE WHEN trafficking_routes = 0 THEN '0' WHEN trafficking_routes <= 5 THEN '1-5'
            ELSE 'over 5' END AS routes_crossing,
       COUNT(*) AS municipalities,
       ROUND(SUM(homicides_registration) * 100000.0 / SUM(population), 2) AS homicide_rate
FROM gold.municipality_year_panel
WHERE country_code = 'MEX' AND year BETWEEN :first_year AND :last_year
GROUP BY 1, 2
ORDER BY 2, 1
