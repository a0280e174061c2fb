DROP TABLE ml_backends;
DROP TABLE model_versions;
ALTER TABLE projects DROP COLUMN retrain_every;
