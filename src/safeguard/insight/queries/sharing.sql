-- Information sharing: decisions by consent, requests answered late, break-glass uses.
SELECT 'sharing.decisions_by_consent' AS measure, consent AS row_key, decision AS col_key,
       count(*) AS value
FROM sharing_decisions WHERE decided_at >= $start_at AND decided_at < $end_at
GROUP BY consent, decision
UNION ALL
SELECT 'sharing.requests_timeliness',
       CASE
           WHEN answered_on IS NULL THEN 'not_answered'
           WHEN answered_on <= due_date THEN 'on_time'
           ELSE 'late'
       END,
       'requests', count(*)
FROM sharing_requests
WHERE due_date >= $start AND due_date < $end AND status <> 'withdrawn'
GROUP BY 2
UNION ALL
SELECT 'sharing.break_glass', outcome, 'uses', count(*)
FROM break_glass WHERE opened_at >= $start_at AND opened_at < $end_at
GROUP BY outcome
