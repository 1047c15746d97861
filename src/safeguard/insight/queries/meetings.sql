-- Meetings: attendance by agency kind and by meeting kind (meetings held, not cancelled).
SELECT 'meetings.attendance_by_agency' AS measure, agency_kind AS row_key,
       attendance AS col_key, count(*) AS value
FROM invitations WHERE starts_at >= $start_at AND starts_at < $end_at
GROUP BY agency_kind, attendance
UNION ALL
SELECT 'meetings.attendance_by_kind', meeting_kind, attendance, count(*)
FROM invitations WHERE starts_at >= $start_at AND starts_at < $end_at
GROUP BY meeting_kind, attendance
