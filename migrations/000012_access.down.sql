ALTER TABLE invitations DROP COLUMN revoked_at;
DROP TRIGGER api_tokens_access ON api_tokens;
DROP TRIGGER project_members_access ON project_members;
DROP FUNCTION concord_row_access();
DROP TRIGGER users_access ON users;
DROP FUNCTION concord_users_access();
ALTER TABLE users DROP COLUMN auth_version;
