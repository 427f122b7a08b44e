-- Data-quality counts per codebook version and type code. Which types are point-in-time
-- (no end expected) is codebook knowledge, so the caller decides per (version, type) whether
-- missing_end counts; everything else is summed as is.
-- @params from, to, location, location
--   from, to: quarter range YYYY-Qn (inclusive); location: location code, or NULL = national.
-- Returns: codebook_version, type_code, n, missing_end (end_ts NULL), zero_duration
--          (duration_min = 0), care_plan_unknown ('unknown' or NULL), missing_reason
--          (has_reason false or NULL), over_12h (duration_min > 720), over_3days
--          (duration_min > 4320); ordered by codebook_version, type_code.
SELECT
  codebook_version,
  type_code,
  count(*) AS n,
  count(CASE WHEN end_ts IS NULL THEN 1 END) AS missing_end,
  count(CASE WHEN duration_min = 0 THEN 1 END) AS zero_duration,
  count(CASE WHEN coalesce(care_plan, 'unknown') = 'unknown' THEN 1 END) AS care_plan_unknown,
  count(CASE WHEN coalesce(has_reason, false) = false THEN 1 END) AS missing_reason,
  count(CASE WHEN duration_min > 720 THEN 1 END) AS over_12h,
  count(CASE WHEN duration_min > 4320 THEN 1 END) AS over_3days
FROM measures
WHERE quarter BETWEEN ? AND ?
  AND (CAST(? AS VARCHAR) IS NULL OR location = ?)
GROUP BY codebook_version, type_code
ORDER BY codebook_version, type_code
