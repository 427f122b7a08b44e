-- The data of the trend model for the number of seclusions: one row per location-month that
-- the location delivered and that has occupancy.
--   A month counts when the current delivery (`current_delivery`) of its quarter has scope
--   'all' or 'seclusion' (both hold every seclusion measure) and the location has an occupancy
--   above 0 for it; per (location, month) the occupancy with the latest loaded_at (then
--   load_id) counts, as in rates.sql. A delivered month without seclusions is a 0; a month of
--   a quarter the location did not deliver, and a month without occupancy, is not returned.
--   Months are the start months of the measures (`start_month`: Europe/Amsterdam wall time).
-- The seclusion category is a parameter and Athena accepts parameters in WHERE clauses only,
-- so seclusions are counted in a CTE whose WHERE picks the category.
-- @params from, to, from, to, seclusionCategory
--   from, to: quarter range YYYY-Qn (inclusive);
--   seclusionCategory: category id of the seclusion types in the codebook ('gedwongen_afzonderen').
-- Returns: location, month (YYYY-MM), quarter (YYYY-Qn), scope ('all' | 'seclusion'),
--          occupancy (double, > 0), seclusions (count, 0 when none); ordered by location, month.
WITH delivered AS (
  SELECT location, quarter, scope
  FROM current_delivery
  WHERE quarter BETWEEN ? AND ?
    AND scope IN ('all', 'seclusion')
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
  SELECT d.location, o.month, d.quarter, d.scope, o.occupancy
  FROM delivered d
  JOIN ranked_occupancy o
    ON o.location = d.location
   AND o.rn = 1
   AND substr(o.month, 1, 4) || '-Q' || CAST((CAST(substr(o.month, 6, 2) AS INTEGER) + 2) / 3 AS VARCHAR) = d.quarter
  WHERE o.occupancy > 0
),
counted AS (
  SELECT location, start_month, count(*) AS n
  FROM measures
  WHERE quarter BETWEEN ? AND ?
    AND category = ?
  GROUP BY location, start_month
)
SELECT
  lm.location,
  lm.month,
  lm.quarter,
  lm.scope,
  lm.occupancy,
  coalesce(c.n, 0) AS seclusions
FROM location_month lm
LEFT JOIN counted c ON c.location = lm.location AND c.start_month = lm.month
ORDER BY lm.location, lm.month
