-- Contextual safeguarding: places, persons of concern, links and context concerns recorded;
-- disruption actions agreed and completed, networks and operations disrupted, and the
-- children at risk before and after the actions completed in the period (like for like).
WITH done AS (
    SELECT * FROM disruption_actions WHERE completed_on >= $start AND completed_on < $end
)
SELECT 'contextual.figures' AS measure, 'places_recorded' AS row_key, 'count' AS col_key,
       count(*) AS value
FROM context_places WHERE recorded_at >= $start_at AND recorded_at < $end_at
UNION ALL
SELECT 'contextual.figures', 'persons_of_concern_recorded', 'count', count(*)
FROM context_persons WHERE recorded_at >= $start_at AND recorded_at < $end_at
UNION ALL
SELECT 'contextual.figures', 'links_recorded', 'count', count(*)
FROM context_links WHERE recorded_at >= $start_at AND recorded_at < $end_at
UNION ALL
SELECT 'contextual.figures', 'context_concerns_reported', 'count', count(*)
FROM context_concerns WHERE reported_at >= $start_at AND reported_at < $end_at
UNION ALL
SELECT 'contextual.figures', 'disruption_actions_agreed', 'count', count(*)
FROM disruption_actions WHERE agreed_at >= $start_at AND agreed_at < $end_at
UNION ALL
SELECT 'contextual.figures', 'disruption_actions_completed', 'count', count(*) FROM done
UNION ALL
SELECT 'contextual.figures', 'networks_disrupted', 'count', count(*)
FROM done WHERE outcome = 'network_disrupted'
UNION ALL
SELECT 'contextual.figures', 'operations_disrupted', 'count', count(*)
FROM done WHERE outcome = 'operation_disrupted'
UNION ALL
SELECT 'contextual.figures', 'children_at_risk_before', 'count',
       coalesce(sum(children_at_risk_before), 0)
FROM done
UNION ALL
SELECT 'contextual.figures', 'children_at_risk_after', 'count',
       coalesce(sum(children_at_risk_after), 0)
FROM done
