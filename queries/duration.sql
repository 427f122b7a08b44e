-- Duration statistics in minutes per type code, over measures with a duration (an end).
-- The median is exact: rows are numbered by duration within the type; the middle row (odd n)
-- or the two middle rows (even n) satisfy rn * 2 BETWEEN n AND n + 2, and their average is
-- the median. The mean is an exact integer sum divided once, so both engines agree.
-- @params from, to, location, location
--   from, to: quarter range YYYY-Qn (inclusive); location: location code, or NULL = national.
-- Returns: type_code, n, min_duration, max_duration, mean_duration (double),
--          median_duration (double); ordered by type_code.
WITH numbered AS (
  SELECT
    type_code,
    duration_min,
    row_number() OVER (PARTITION BY type_code ORDER BY duration_min) AS rn,
    count(*) OVER (PARTITION BY type_code) AS cnt
  FROM measures
  WHERE duration_min IS NOT NULL
    AND quarter BETWEEN ? AND ?
    AND (CAST(? AS VARCHAR) IS NULL OR location = ?)
)
SELECT
  type_code,
  count(*) AS n,
  min(duration_min) AS min_duration,
  max(duration_min) AS max_duration,
  CAST(sum(duration_min) AS DOUBLE) / CAST(count(*) AS DOUBLE) AS mean_duration,
  avg(CASE WHEN rn * 2 BETWEEN cnt AND cnt + 2 THEN CAST(duration_min AS DOUBLE) END) AS median_duration
FROM numbered
GROUP BY type_code
ORDER BY type_code
