-- Databricks notebook source
-- MAGIC %md
-- MAGIC # Homicide trends by state
-- MAGIC
-- MAGIC Homicides and rates per 100,000 inhabitants by state and year, from the gold panel
-- MAGIC (`gold.municipality_year_panel`). INEGI counts a homicide by **year of registration**
-- MAGIC and, separately, by **year of occurrence**; both are shown and never mixed. The panel
-- MAGIC holds only deaths with a known municipality: national totals with deaths abroad or in
-- MAGIC an unknown municipality are in `silver.homicides` (source `inegi_cube`: INEGI's exports;
-- MAGIC `death_records` rows are counted from death certificates and cover only some years).

-- COMMAND ----------

-- MAGIC %md
-- MAGIC Years shown: widgets `first_year` and `last_year` (the configured panel, 1990-2015, unless
-- MAGIC given, e.g. `notebook --params first_year=2006,last_year=2012`).

-- COMMAND ----------

CREATE WIDGET TEXT first_year DEFAULT "1990";
CREATE WIDGET TEXT last_year DEFAULT "2015"

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## National totals, every homicide INEGI counted

-- COMMAND ----------

-- chart: line x=year y=homicides series=basis title="Homicides in Mexico by year of registration and of occurrence"
SELECT year, basis, SUM(homicides) AS homicides
FROM silver.homicides
WHERE source = 'inegi_cube' AND year BETWEEN :first_year AND :last_year
GROUP BY year, basis
ORDER BY basis, year

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Rates by state (year of registration)

-- COMMAND ----------

-- chart: line x=year y=homicide_rate series=state_name title="Homicides per 100,000 by state, year of registration"
SELECT state_code, state_name, year,
       SUM(homicides_registration) AS homicides,
       SUM(population) AS population,
       ROUND(SUM(homicides_registration) * 100000.0 / SUM(population), 2) AS homicide_rate
FROM gold.municipality_year_panel
WHERE country_code = 'MEX' AND year BETWEEN :first_year AND :last_year
GROUP BY state_code, state_name, year
ORDER BY state_code, year

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Registration against occurrence in the last year both exist
-- MAGIC
-- MAGIC Occurrence counts add every later year of registration INEGI's export holds, so the
-- MAGIC most recent occurrence years are short of the deaths registered afterwards.

-- COMMAND ----------

SELECT state_name,
       SUM(homicides_registration) AS by_registration,
       SUM(homicides_occurrence) AS by_occurrence,
       SUM(homicides_occurrence) - SUM(homicides_registration) AS difference
FROM gold.municipality_year_panel
WHERE country_code = 'MEX' AND year = (SELECT MAX(year) FROM gold.municipality_year_panel WHERE country_code = 'MEX' AND homicides_occurrence IS NOT NULL AND year <= :last_year)
GROUP BY state_name
ORDER BY by_registration DESC
