-- The data of the trend models for the duration and the room of seclusions: the seclusion
-- measures of the current deliveries, grouped by location, start month (`start_month`:
-- Europe/Amsterdam wall time), duration in whole minutes (NULL without an end), type and room;
-- n is the number of measures with exactly these values (one row per measure would repeat
-- them). Every current delivery holds all seclusion measures of its quarter (scope 'all' or
-- 'seclusion'); occupancy plays no part here.
-- @params from, to, seclusionCategory
--   from, to: quarter range YYYY-Qn (inclusive);
--   seclusionCategory: category id of the seclusion types in the codebook ('gedwongen_afzonderen').
-- Returns: location, month (YYYY-MM), duration_min (integer or NULL), type_code, room (room id
--          of the codebook), n; ordered by location, month, type_code, duration_min.
SELECT
  location,
  start_month AS month,
  duration_min,
  type_code,
  room,
  count(*) AS n
FROM measures
WHERE quarter BETWEEN ? AND ?
  AND category = ?
GROUP BY location, start_month, duration_min, type_code, room
ORDER BY location, month, type_code, duration_min
