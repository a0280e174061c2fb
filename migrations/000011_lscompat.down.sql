ALTER TABLE ml_backends DROP COLUMN user_id;
DELETE FROM users WHERE kind <> 'account';
DROP INDEX users_project_id_idx;
ALTER TABLE users DROP CONSTRAINT users_kind_project_check;
ALTER TABLE users DROP COLUMN project_id;
ALTER TABLE users DROP COLUMN kind;
