-- Seclusion measures (those with a room type) per hour of day of the start (0-23), room type
-- and locked / not locked (only combinations with measures): the start time per kind of
-- seclusion.
-- @params from, to, location, location
--   from, to: quarter range YYYY-Qn (inclusive); location: location code, or NULL = national.
-- Returns: start_hour, room, locked, n; ordered by start_hour, room, locked.
SELECT start_hour, room, locked, count(*) AS n
FROM measures
WHERE room IS NOT NULL
  AND quarter BETWEEN ? AND ?
  AND (CAST(? AS VARCHAR) IS NULL OR location = ?)
GROUP BY start_hour, room, locked
ORDER BY start_hour, room, locked
