DROP INDEX auth_failures_ip_idx;
DROP INDEX auth_failures_pair_idx;
UPDATE auth_failures SET email = '(api token)' WHERE kind = 'token';
ALTER TABLE auth_failures DROP COLUMN kind;
CREATE INDEX auth_failures_email_idx ON auth_failures (lower(email), created_at);
CREATE INDEX auth_failures_ip_idx ON auth_failures (ip, created_at);
