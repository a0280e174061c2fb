package main

import (
	"context"
	"fmt"
	"io"

	"concord/internal/app"
	"concord/internal/job"
)

// work runs only the background worker, so workers can scale out on other
// machines against the same database.
func work(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	cfg, _, err := parse("work", args, getenv, stderr, nil)
	if err != nil {
		return helpOK(err)
	}
	log := newLogger(cfg, stderr)
	db, err := openDatabase(ctx, cfg, false, log)
	if err != nil {
		return err
	}
	defer db.close()
	im, err := importer(cfg, db.store)
	if err != nil {
		return err
	}
	opts, err := jobOptions(cfg, true)
	if err != nil {
		return err
	}
	opts.Imports = app.NewImports(cfg, db.store, im)
	jobs, err := job.NewClient(db.store.Pool, db.store, im, opts, log)
	if err != nil {
		return err
	}
	if err := jobs.Start(ctx); err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	log.Info("worker running")
	<-ctx.Done()
	down, cancel := context.WithTimeout(context.Background(), cfg.ShutdownWindow)
	defer cancel()
	stopWorker(down, jobs, log)
	return nil
}
