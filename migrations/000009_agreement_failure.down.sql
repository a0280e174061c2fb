DELETE FROM agreement_reports WHERE report IS NULL;
ALTER TABLE agreement_reports
    DROP COLUMN failed_at,
    DROP COLUMN error,
    ALTER COLUMN computed_at SET DEFAULT now(),
    ALTER COLUMN computed_at SET NOT NULL,
    ALTER COLUMN report SET NOT NULL;
