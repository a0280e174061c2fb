package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"concord/internal/app"
	"concord/internal/auth"
	"concord/internal/config"
	"concord/internal/job"
	"concord/internal/live"
	"concord/internal/store"
	"concord/web"
)

// firstAdminEmail is the generated admin's e-mail when none is configured.
const firstAdminEmail = "admin@localhost"

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, _, err := parse("serve", args, getenv, stderr, nil)
	if err != nil {
		return helpOK(err)
	}
	log := newLogger(cfg, stderr)
	db, err := openDatabase(ctx, cfg, cfg.Migrate, log)
	if err != nil {
		return err
	}
	defer db.close()
	if err := ensureAdmin(ctx, cfg, db.store, stdout); err != nil {
		return err
	}
	im, err := importer(cfg, db.store)
	if err != nil {
		return err
	}
	opts, err := jobOptions(cfg, cfg.Worker)
	if err != nil {
		return err
	}
	opts.Imports = app.NewImports(cfg, db.store, im)
	jobs, err := job.NewClient(db.store.Pool, db.store, im, opts, log)
	if err != nil {
		return err
	}
	if cfg.Worker {
		if err := jobs.Start(ctx); err != nil {
			return fmt.Errorf("start worker: %w", err)
		}
	}
	hub := live.NewHub(log)
	go hub.Run(ctx)
	go live.Listen(ctx, db.url, hub, db.store, log)
	srv := web.New(web.Deps{Config: cfg, Store: db.store, Importer: im, Jobs: jobs, Hub: hub, Log: log}).HTTPServer(cfg.Addr)
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Concord is running at http://%s (sign in at http://%s/signin)\n", ln.Addr(), ln.Addr())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	select {
	case err = <-served:
	case <-ctx.Done():
		log.Info("shutting down: finishing in-flight requests and jobs", "window", cfg.ShutdownWindow)
	}
	down, cancel := context.WithTimeout(context.Background(), cfg.ShutdownWindow)
	defer cancel()
	if shutErr := srv.Shutdown(down); shutErr != nil {
		log.Warn("shutdown", "err", shutErr)
	}
	if cfg.Worker {
		stopWorker(down, jobs, log)
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// stopWorker lets running jobs finish within ctx, then cancels the rest; River
// retries a cancelled job later, so nothing is lost.
func stopWorker(ctx context.Context, jobs *job.Client, log interface{ Warn(string, ...any) }) {
	if err := jobs.Stop(ctx); err != nil {
		log.Warn("worker did not drain in time; cancelling its jobs", "err", err)
		hard, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		jobs.StopAndCancel(hard)
	}
}

// ensureAdmin creates the first admin on an empty database, from the configured
// e-mail and password or with a generated password that is printed this once.
func ensureAdmin(ctx context.Context, cfg config.Config, st *store.Store, stdout io.Writer) error {
	n, err := st.CountUsers(ctx)
	if err != nil || n > 0 {
		return err
	}
	email, password := cfg.AdminEmail, cfg.AdminPassword
	if email == "" {
		email = firstAdminEmail
	}
	generated := password == ""
	if generated {
		password = auth.RandomPassword()
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return fmt.Errorf("CONCORD_ADMIN_PASSWORD: %w", err)
	}
	if _, err := st.CreateUser(ctx, email, "Admin", hash, store.RoleAdmin); err != nil {
		if errors.Is(err, store.ErrConflict) { // another process won the race
			return nil
		}
		return err
	}
	if generated {
		fmt.Fprintf(stdout, "Created the first admin. Sign in with\n  e-mail:   %s\n  password: %s\n(shown only this once; change it on the Account page)\n", email, password)
	} else {
		fmt.Fprintf(stdout, "Created the first admin %s with the password from CONCORD_ADMIN_PASSWORD.\n", email)
	}
	return nil
}

// helpOK turns -h into success.
func helpOK(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}
