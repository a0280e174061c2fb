-- Access is re-checked where it is used. A user's auth_version moves when
-- their password changes or they are disabled: sessions made before no
-- longer count, and their API tokens are revoked (re-enabling revives none).
-- Every change of a user's access (password, disabled, role, a membership, a
-- token) is announced on the concord_access channel with the user's id, so
-- that open websockets are re-checked whatever code made the change.
ALTER TABLE users ADD COLUMN auth_version integer NOT NULL DEFAULT 1;

CREATE FUNCTION concord_users_access() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.password_hash IS DISTINCT FROM OLD.password_hash OR NEW.disabled_at IS DISTINCT FROM OLD.disabled_at THEN
        NEW.auth_version := OLD.auth_version + 1;
        UPDATE api_tokens SET revoked_at = now() WHERE user_id = NEW.id AND revoked_at IS NULL;
    END IF;
    IF NEW.auth_version IS DISTINCT FROM OLD.auth_version OR NEW.role IS DISTINCT FROM OLD.role THEN
        PERFORM pg_notify('concord_access', NEW.id::text);
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER users_access BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION concord_users_access();

CREATE FUNCTION concord_row_access() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('concord_access', OLD.user_id::text);
    RETURN NULL;
END $$;
CREATE TRIGGER project_members_access AFTER DELETE OR UPDATE ON project_members
    FOR EACH ROW EXECUTE FUNCTION concord_row_access();
CREATE TRIGGER api_tokens_access AFTER DELETE OR UPDATE OF revoked_at ON api_tokens
    FOR EACH ROW EXECUTE FUNCTION concord_row_access();

-- Invitations can be revoked; a live invitation also needs its maker still
-- able to manage the project (see store.liveInvitation).
ALTER TABLE invitations ADD COLUMN revoked_at timestamptz;
