-- The PostgreSQL form of migrations/0007_last_changed_via.sql.
-- Where the last change of a connector's endpoint came from: TERRAFORM,
-- CONSOLE or API. A connector saved before this column existed takes what
-- its audit log says: the actor of its latest create or update names the
-- front end ("NAME via terraform", "NAME via console"; the plain API names
-- none).
ALTER TABLE connectors ADD COLUMN last_changed_via TEXT NOT NULL DEFAULT 'API';
UPDATE connectors SET last_changed_via = coalesce((
    SELECT CASE
        WHEN a.actor LIKE '% via terraform' THEN 'TERRAFORM'
        WHEN a.actor LIKE '% via console' THEN 'CONSOLE'
        ELSE 'API' END
    FROM audit_events a
    WHERE a.merchant_id = connectors.merchant_id AND a.store_id = connectors.store_id
      AND a.method = connectors.method AND a.action IN ('connector.create', 'connector.update')
    ORDER BY a.id DESC LIMIT 1), 'API');
