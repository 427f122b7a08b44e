-- What the occupancy-corrected monthly rates per measure group are made of, scope-aware:
--   kind 'occupancy': per month and delivery scope, the summed occupancy of the location-months
--                     that count (current delivery of the quarter with that scope, occupancy
--                     above 0; per (location, month) the latest load, as in rates.sql);
--   kind 'measures' : per month, delivery scope and category, the number of measures of those
--                     same location-months.
-- The caller adds them up per group: a category other than seclusion over scope 'all' only,
-- seclusion over 'all' and 'seclusion' (a seclusion-only delivery holds no other types).
-- @params from, to, from, to
--   from, to: quarter range YYYY-Qn (inclusive).
-- Returns: kind ('occupancy' | 'measures'), month (YYYY-MM), scope ('all' | 'seclusion'),
--          category (NULL for kind 'occupancy'), measures (NULL for kind 'occupancy'),
--          occupancy (NULL for kind 'measures'); ordered by month, scope, kind, category.
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
  SELECT d.location, o.month, d.scope, o.occupancy
  FROM delivered d
  JOIN ranked_occupancy o
    ON o.location = d.location
   AND o.rn = 1
   AND substr(o.month, 1, 4) || '-Q' || CAST((CAST(substr(o.month, 6, 2) AS INTEGER) + 2) / 3 AS VARCHAR) = d.quarter
  WHERE o.occupancy > 0
),
counted AS (
  SELECT location, start_month, category, count(*) AS n
  FROM measures
  WHERE quarter BETWEEN ? AND ?
  GROUP BY location, start_month, category
)
SELECT kind, month, scope, category, measures, occupancy
FROM (
  SELECT
    'occupancy' AS kind,
    month,
    scope,
    CAST(NULL AS VARCHAR) AS category,
    CAST(NULL AS BIGINT) AS measures,
    sum(occupancy) AS occupancy
  FROM location_month
  GROUP BY month, scope
  UNION ALL
  SELECT
    'measures' AS kind,
    lm.month,
    lm.scope,
    c.category,
    sum(c.n) AS measures,
    CAST(NULL AS DOUBLE) AS occupancy
  FROM location_month lm
  JOIN counted c ON c.location = lm.location AND c.start_month = lm.month
  GROUP BY lm.month, lm.scope, c.category
) parts
ORDER BY month, scope, kind, category
