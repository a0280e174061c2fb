-- The agreement job's last failure, shown on the quality page instead of a
-- silently stale or empty report; cleared by the next success. A project whose
-- first computation failed has a row without a report.
ALTER TABLE agreement_reports
    ALTER COLUMN report DROP NOT NULL,
    ALTER COLUMN computed_at DROP NOT NULL,
    ALTER COLUMN computed_at DROP DEFAULT,
    ADD COLUMN error text NOT NULL DEFAULT '',
    ADD COLUMN failed_at timestamptz;
