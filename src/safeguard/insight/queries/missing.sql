-- Missing: episodes, children, repeat missing, return interviews.
WITH started AS (
    SELECT * FROM missing_episodes WHERE missing_since >= $start_at AND missing_since < $end_at
),
returned AS (
    SELECT episode.episode_id,
           CASE
               WHEN interview.status = 'completed' AND interview.held_at <= interview.due_at
                   THEN 'in_time'
               WHEN interview.status = 'completed' THEN 'late'
               WHEN interview.status = 'declined' THEN 'declined'
               WHEN interview.status = 'not_held' THEN 'not_held'
               ELSE 'waiting'
           END AS outcome
    FROM missing_episodes AS episode
    LEFT JOIN return_interviews AS interview ON interview.episode_id = episode.episode_id
    WHERE episode.returned_at >= $start_at AND episode.returned_at < $end_at
),
per_child AS (
    SELECT child_id, count(*) AS episodes FROM started GROUP BY child_id
)
SELECT 'missing.episodes' AS measure, 'episodes' AS row_key, 'episodes' AS col_key,
       count(*) AS value
FROM started
UNION ALL
SELECT 'missing.children', 'children', 'children', count(*) FROM per_child
UNION ALL
SELECT 'missing.repeat', 'children', 'children', count(*) FROM per_child WHERE episodes >= 3
UNION ALL
SELECT 'missing.return_interviews', outcome, 'returns', count(*) FROM returned GROUP BY outcome
