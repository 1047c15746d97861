-- Harmful sexual behaviour (HSB): concerns by level, AIM assessments, children in both
-- roles, time from noticing to referral, investigations open over 3 months.
WITH concerns AS (
    SELECT * FROM hsb_concerns WHERE recorded_at >= $start_at AND recorded_at < $end_at
),
roles AS (
    SELECT named.child_id, named.role
    FROM hsb_concern_children AS named
    JOIN hsb_concerns AS concern ON concern.concern_id = named.concern_id
    WHERE concern.recorded_at < $end_at
),
referral_hours AS (
    SELECT greatest(date_diff('minute', noticed_at, referred_at), 0) / 60.0 AS hours
    FROM concerns WHERE referred_at IS NOT NULL
)
SELECT 'hsb.concerns_by_level' AS measure, level AS row_key, 'concerns' AS col_key,
       count(*) AS value
FROM concerns GROUP BY level
UNION ALL
SELECT 'hsb.aim_assessments', tool, case_type, count(*)
FROM aim_assessments WHERE started_on >= $start AND started_on < $end
GROUP BY tool, case_type
UNION ALL
SELECT 'hsb.both_roles', 'children', 'children', count(*)
FROM (
    SELECT child_id FROM roles GROUP BY child_id HAVING count(DISTINCT role) = 2
) AS both_roles
UNION ALL
SELECT 'hsb.time_to_referral', 'concerns', 'concerns', count(*) FROM referral_hours
UNION ALL
SELECT 'hsb.time_to_referral', 'concerns', 'median_hours', round(median(hours), 1)
FROM referral_hours
UNION ALL
SELECT 'hsb.long_investigations', 'investigations', 'investigations', count(*)
FROM hsb_investigations
WHERE started_on <= $end - INTERVAL 92 DAY
  AND (status IN ('open', 'with_prosecutor') OR closed_on >= $end)
