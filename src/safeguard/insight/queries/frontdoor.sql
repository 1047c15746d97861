-- Front door: contacts and referrals by source, decisions by level, timeliness, re-referrals.
-- A referral is a contact the Multi-Agency Safeguarding Hub (MASH) decided at level 4
-- (a referral to children's social care).
WITH received AS (
    SELECT * FROM contacts WHERE received_at >= $start_at AND received_at < $end_at
),
decided AS (
    SELECT * FROM contacts
    WHERE decided_at IS NOT NULL AND decided_at >= $start_at AND decided_at < $end_at
),
referrals AS (
    SELECT contact_id, decided_at FROM contacts WHERE level = 4 AND decided_at IS NOT NULL
),
repeated AS (
    SELECT DISTINCT this.contact_id
    FROM decided AS this
    JOIN contact_children AS named ON named.contact_id = this.contact_id
    JOIN contact_children AS earlier_named
        ON earlier_named.child_id = named.child_id AND earlier_named.contact_id <> this.contact_id
    JOIN referrals AS earlier ON earlier.contact_id = earlier_named.contact_id
    WHERE this.level = 4
      AND earlier.decided_at < this.decided_at
      AND earlier.decided_at >= this.decided_at - INTERVAL 365 DAY
)
SELECT 'frontdoor.contacts_by_source' AS measure, source_code AS row_key,
       'contacts' AS col_key, count(*) AS value
FROM received GROUP BY source_code
UNION ALL
SELECT 'frontdoor.contacts_by_source', source_code, 'referrals', count(*)
FROM received WHERE level = 4 GROUP BY source_code
UNION ALL
SELECT 'frontdoor.children_in_contacts', 'children', 'children', count(DISTINCT named.child_id)
FROM received JOIN contact_children AS named ON named.contact_id = received.contact_id
UNION ALL
SELECT 'frontdoor.decisions_by_level', CAST(level AS VARCHAR), 'decisions', count(*)
FROM decided GROUP BY level
UNION ALL
SELECT 'frontdoor.decided_in_time',
       CASE WHEN decided_at <= due_at THEN 'in_time' ELSE 'late' END, 'decisions', count(*)
FROM decided GROUP BY 2
UNION ALL
SELECT 'frontdoor.re_referrals',
       CASE WHEN repeated.contact_id IS NULL THEN 'first' ELSE 'repeat' END, 'referrals', count(*)
FROM decided LEFT JOIN repeated ON repeated.contact_id = decided.contact_id
WHERE decided.level = 4
GROUP BY 2
