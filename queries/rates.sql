-- Measures per 10 places of average occupancy, per start month and scope group.
--   'all'       : all types, over locations whose current delivery (`current_delivery`) for
--                 the quarter has scope 'all';
--   'seclusion' : measures of the seclusion category, over locations with scope 'all' or
--                 'seclusion'.
-- Only location-months with a known occupancy count (in numerator and denominator); per
-- (location, month) the occupancy with the latest loaded_at (then load_id) counts. The
-- quarter of a month is derived as (month number + 2) / 3 with integer division (DuckDB
-- needs SET integer_division = true to match Trino here).
-- The seclusion category is a parameter, and Athena accepts execution parameters in WHERE
-- clauses only: measures are counted per category once, and the seclusion counts are the rows
-- of that count picked by a WHERE filter.
-- @params from, to, location, location, from, to, location, location, seclusionCategory
--   from, to: quarter range YYYY-Qn (inclusive); location: location code, or NULL = national;
--   seclusionCategory: category id of the seclusion types in the codebook ('gedwongen_afzonderen').
-- Returns: month (YYYY-MM), scope ('all' | 'seclusion'), measures, occupancy (double),
--          per10 (double, NULL when occupancy is 0); only month/scope pairs with at least one
--          location-month; ordered by month, scope.
WITH delivered AS (
  SELECT location, quarter, scope
  FROM current_delivery
  WHERE quarter BETWEEN ? AND ?
    AND (CAST(? AS VARCHAR) IS NULL OR location = ?)
),
ranked_occupancy AS (
  SELECT
    location,
    month,
    occupancy,
    row_number() OVER (PARTITION BY location, month ORDER BY loaded_at DESC, load_id DESC) AS rn
  FROM occupancy
),
location_month AS (
  SELECT d.location, o.month, d.scope, o.occupancy
  FROM delivered d
  JOIN ranked_occupancy o
    ON o.location = d.location
   AND o.rn = 1
   AND substr(o.month, 1, 4) || '-Q' || CAST((CAST(substr(o.month, 6, 2) AS INTEGER) + 2) / 3 AS VARCHAR) = d.quarter
  WHERE o.occupancy IS NOT NULL
),
counted_by_category AS (
  SELECT location, start_month, category, count(*) AS n
  FROM measures
  WHERE quarter BETWEEN ? AND ?
    AND (CAST(? AS VARCHAR) IS NULL OR location = ?)
  GROUP BY location, start_month, category
),
counted AS (
  SELECT location, start_month, sum(n) AS all_types
  FROM counted_by_category
  GROUP BY location, start_month
),
counted_seclusion AS (
  SELECT location, start_month, n AS seclusion
  FROM counted_by_category
  WHERE category = ?
),
scoped AS (
  SELECT 'all' AS scope_group, lm.month, coalesce(c.all_types, 0) AS measures, lm.occupancy
  FROM location_month lm
  LEFT JOIN counted c ON c.location = lm.location AND c.start_month = lm.month
  WHERE lm.scope = 'all'
  UNION ALL
  SELECT 'seclusion' AS scope_group, lm.month, coalesce(s.seclusion, 0) AS measures, lm.occupancy
  FROM location_month lm
  LEFT JOIN counted_seclusion s ON s.location = lm.location AND s.start_month = lm.month
  WHERE lm.scope IN ('all', 'seclusion')
)
SELECT
  month,
  scope_group AS scope,
  sum(measures) AS measures,
  sum(occupancy) AS occupancy,
  CASE WHEN sum(occupancy) > 0 THEN CAST(sum(measures) AS DOUBLE) * 10 / sum(occupancy) END AS per10
FROM scoped
GROUP BY month, scope_group
ORDER BY month, scope
