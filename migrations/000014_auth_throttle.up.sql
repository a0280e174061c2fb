-- Failed sign-ins and wrong API tokens are told apart, and sign-in failures are
-- counted per (account, address) pair: throttling slows the pair down instead
-- of locking the account for everyone.
ALTER TABLE auth_failures ADD COLUMN kind text NOT NULL DEFAULT 'password' CHECK (kind IN ('password', 'token'));
UPDATE auth_failures SET kind = 'token', email = '' WHERE email = '(api token)';
DROP INDEX auth_failures_email_idx;
DROP INDEX auth_failures_ip_idx;
CREATE INDEX auth_failures_pair_idx ON auth_failures (lower(email), ip, created_at) WHERE kind = 'password';
CREATE INDEX auth_failures_ip_idx ON auth_failures (ip, kind, created_at);
