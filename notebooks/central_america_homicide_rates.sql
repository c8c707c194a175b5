-- Databricks notebook source
-- MAGIC %md
-- MAGIC # Homicide rates: Mexico and Central America, country by country
-- MAGIC
-- MAGIC Reads `gold.country_year` only. Central American rows are the
-- MAGIC national series published by UNODC/OAS, one row per source; Mexico's are this lakehouse's
-- MAGIC own counts of INEGI death records over CONAPO population, by year of registration and by
-- MAGIC year of occurrence. Rates are homicides per 100,000 inhabitants.

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Every source, every year
-- MAGIC Nothing is averaged: a country-year with two sources has two rows.

-- COMMAND ----------

SELECT country_name, year, source, source_type, homicides, round(homicide_rate, 1) AS rate
FROM gold.country_year
ORDER BY country_name, year, source

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## The eight countries side by side
-- MAGIC One column per country. Mexico is shown by year of **registration**, the basis INEGI
-- MAGIC publishes for every year (by occurrence stops at 2010). Where a Central American
-- MAGIC country-year has several sources, the column shows the highest rate and `sources` says
-- MAGIC how many there were.

-- COMMAND ----------

SELECT year,
  round(max(CASE WHEN country_code = 'MEX' THEN homicide_rate END), 1) AS mexico,
  round(max(CASE WHEN country_code = 'GTM' THEN homicide_rate END), 1) AS guatemala,
  round(max(CASE WHEN country_code = 'HND' THEN homicide_rate END), 1) AS honduras,
  round(max(CASE WHEN country_code = 'SLV' THEN homicide_rate END), 1) AS el_salvador,
  round(max(CASE WHEN country_code = 'BLZ' THEN homicide_rate END), 1) AS belize,
  round(max(CASE WHEN country_code = 'NIC' THEN homicide_rate END), 1) AS nicaragua,
  round(max(CASE WHEN country_code = 'CRI' THEN homicide_rate END), 1) AS costa_rica,
  round(max(CASE WHEN country_code = 'PAN' THEN homicide_rate END), 1) AS panama,
  count(*) AS sources
FROM gold.country_year
WHERE country_code <> 'MEX' OR source = 'INEGI death records by year of registration'
GROUP BY year
ORDER BY year

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Where Mexico ranks each year
-- MAGIC Rank 1 is the highest rate of the year among the countries with a figure that year.

-- COMMAND ----------

SELECT year, country_name, round(rate, 1) AS rate, rank_in_year, countries_that_year
FROM (
  SELECT year, country_name, rate,
    rank() OVER (PARTITION BY year ORDER BY rate DESC) AS rank_in_year,
    count(*) OVER (PARTITION BY year) AS countries_that_year
  FROM (
    SELECT year, country_name, max(homicide_rate) AS rate
    FROM gold.country_year
    WHERE country_code <> 'MEX' OR source = 'INEGI death records by year of registration'
    GROUP BY year, country_name))
ORDER BY year, rank_in_year

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## The Northern Triangle against Mexico
-- MAGIC Guatemala, Honduras and El Salvador together: homicides over the population implied by
-- MAGIC each published rate, so the three are weighted by population, not averaged.

-- COMMAND ----------

SELECT year,
  round(sum(CASE WHEN country_code IN ('GTM', 'HND', 'SLV') THEN homicides END) * 100000
    / sum(CASE WHEN country_code IN ('GTM', 'HND', 'SLV') THEN population END), 1)
    AS northern_triangle,
  count(CASE WHEN country_code IN ('GTM', 'HND', 'SLV') THEN 1 END) AS triangle_countries,
  round(max(CASE WHEN country_code = 'MEX' THEN homicide_rate END), 1) AS mexico
FROM gold.country_year
WHERE country_code <> 'MEX' OR source = 'INEGI death records by year of registration'
GROUP BY year
ORDER BY year
