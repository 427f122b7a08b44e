-- Number of measures per type code and scope of the delivery they came from (the current
-- delivery of their location and quarter, `current_delivery`): the numerators and
-- denominators of scope-aware shares. A share of all measures counts only deliveries with
-- scope 'all'; a share within seclusion counts deliveries with scope 'all' or 'seclusion'.
-- @params from, to, location, location
--   from, to: quarter range YYYY-Qn (inclusive); location: location code, or NULL = national.
-- Returns: type_code, category, scope ('all' | 'seclusion'), n; ordered by type_code, category,
--          scope.
SELECT m.type_code, m.category, d.scope, count(*) AS n
FROM measures m
JOIN current_delivery d
  ON d.location = m.location
 AND d.quarter = m.quarter
WHERE m.quarter BETWEEN ? AND ?
  AND (CAST(? AS VARCHAR) IS NULL OR m.location = ?)
GROUP BY m.type_code, m.category, d.scope
ORDER BY m.type_code, m.category, d.scope
