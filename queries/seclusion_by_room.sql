-- Seclusion measures (those with a room type) per room type and locked / not locked.
-- @params from, to, location, location
--   from, to: quarter range YYYY-Qn (inclusive); location: location code, or NULL = national.
-- Returns: room, locked, n; ordered by room, locked.
SELECT room, locked, count(*) AS n
FROM measures
WHERE room IS NOT NULL
  AND quarter BETWEEN ? AND ?
  AND (CAST(? AS VARCHAR) IS NULL OR location = ?)
GROUP BY room, locked
ORDER BY room, locked
