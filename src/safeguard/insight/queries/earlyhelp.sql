-- Early help: episodes started, reviewed, closed by reason, stepped up or down.
SELECT 'earlyhelp.started' AS measure, 'episodes' AS row_key, 'episodes' AS col_key,
       count(*) AS value
FROM eh_episodes WHERE opened_on >= $start AND opened_on < $end
UNION ALL
SELECT 'earlyhelp.reviewed', 'episodes', 'episodes', count(DISTINCT episode_id)
FROM eh_reviews WHERE held_at >= $start_at AND held_at < $end_at
UNION ALL
SELECT 'earlyhelp.closed_by_reason', closure_reason, 'episodes', count(*)
FROM eh_episodes
WHERE closed_on >= $start AND closed_on < $end AND closure_reason IS NOT NULL
GROUP BY closure_reason
UNION ALL
SELECT 'earlyhelp.stepped', closure_reason, 'episodes', count(*)
FROM eh_episodes
WHERE closed_on >= $start AND closed_on < $end
  AND closure_reason IN ('stepped_up', 'stepped_down')
GROUP BY closure_reason
