DROP TRIGGER ml_backends_changed ON ml_backends;
DROP TRIGGER webhooks_changed ON webhooks;
DROP TRIGGER project_members_changed ON project_members;
DROP FUNCTION concord_project_part_changed();
DROP TRIGGER projects_changed ON projects;
DROP FUNCTION concord_project_changed();
ALTER TABLE tasks DROP COLUMN reserved_at;
DROP TABLE label_drains;
DROP TABLE label_counts;
