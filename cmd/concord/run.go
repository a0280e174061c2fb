package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"

	"concord/internal/config"
	"concord/internal/ingest"
	"concord/internal/job"
	"concord/internal/localpg"
	"concord/internal/media"
	"concord/internal/netguard"
	"concord/internal/store"
)

const usage = `usage: concord <command> [flags]

commands:
  serve                         run the web server (and the background worker)
  work                          run only the background worker
  migrate up|down|version       manage the database schema
  user create --email E --password P --role admin|manager|annotator [--name N]
  user list                     list accounts
  user set-role --email E --role R
  user disable|enable --email E
  user reset-password --email E --password P
  user token --email E          print a new API token for the user
  import --project ID [--skip-invalid] FILE...
                                import tasks and media into a project
  export --project ID --format F [--out FILE] [--filter QUERY]
                                export a project (to stdout without --out)

Every command takes the flags below; each has an environment variable of the
same meaning (concord <command> -h lists them).`

// usageError is a mistake in the command line: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// run is the whole program: it parses args and runs one subcommand.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(stdout, usage)
		if len(args) == 0 {
			return usagef("no command given")
		}
		return nil
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return serve(ctx, rest, getenv, stdout, stderr)
	case "work":
		return work(ctx, rest, getenv, stderr)
	case "migrate":
		return migrateCmd(ctx, rest, getenv, stdout, stderr)
	case "user":
		return userCmd(ctx, rest, getenv, stdout, stderr)
	case "import":
		return importCmd(ctx, rest, getenv, stdout, stderr)
	case "export":
		return exportCmd(ctx, rest, getenv, stdout, stderr)
	}
	return usagef("unknown command %q (try concord help)", cmd)
}

// parse reads the common settings and a subcommand's own flags.
func parse(name string, args []string, getenv func(string) string, stderr io.Writer, own func(*flag.FlagSet)) (config.Config, *flag.FlagSet, error) {
	fs := flag.NewFlagSet("concord "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	config.Register(fs)
	if own != nil {
		own(fs)
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return config.Config{}, nil, err
		}
		return config.Config{}, nil, usageError{err.Error()}
	}
	cfg, err := config.Load(fs, getenv)
	if err != nil {
		return cfg, nil, usageError{err.Error()}
	}
	return cfg, fs, nil
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: cfg.LogLevel}))
}

// database is an open, migrated store and the way to close it.
type database struct {
	store   *store.Store
	url     string
	cluster *localpg.Cluster
}

// openDatabase connects to CONCORD_DATABASE_URL or, unset, to the embedded
// cluster of the data directory (starting it if no other concord runs it). The
// embedded cluster is always migrated; a server named by URL is migrated when
// migrate is set and otherwise must already be current.
func openDatabase(ctx context.Context, cfg config.Config, migrate bool, log *slog.Logger) (*database, error) {
	db := &database{url: cfg.DatabaseURL}
	if db.url == "" {
		c, err := localpg.Start(ctx, cfg.DataDir+"/pg")
		if err != nil {
			return nil, err
		}
		db.cluster, db.url, migrate = c, c.URL(localpg.Database), true
		log.Info("embedded database running", "dir", c.Dir)
	}
	if migrate {
		if err := migrateUp(db.url); err != nil {
			db.close()
			return nil, err
		}
	}
	st, err := store.Open(ctx, db.url)
	if err != nil {
		db.close()
		return nil, err
	}
	db.store = st
	if !migrate {
		latest, _ := store.Latest()
		v, dirty, err := st.SchemaVersion(ctx)
		if err != nil || dirty || v != latest {
			db.close()
			return nil, fmt.Errorf("the database schema is at version %d (dirty %v), this concord needs %d: run concord migrate up", v, dirty, latest)
		}
	}
	return db, nil
}

// importer stores media under the data directory; several processes share it
// by sharing that directory.
func importer(cfg config.Config, st *store.Store) (*ingest.Importer, error) {
	blobs, err := media.NewDiskStore(filepath.Join(cfg.DataDir, "media"))
	if err != nil {
		return nil, err
	}
	return &ingest.Importer{Store: st, Blobs: blobs}, nil
}

// jobOptions are the River client's options for this configuration.
func jobOptions(cfg config.Config, work bool) (job.Options, error) {
	allow, err := netguard.ParseAllowList(cfg.AllowPrivate)
	if err != nil {
		return job.Options{}, usagef("CONCORD_ALLOW_PRIVATE_NETWORKS: %v", err)
	}
	return job.Options{Work: work, Allow: allow}, nil
}

func migrateUp(url string) error {
	m, err := store.NewMigrator(url)
	if err != nil {
		return err
	}
	defer m.Close()
	return m.Up()
}

func (db *database) close() {
	if db.store != nil {
		db.store.Close()
	}
	if db.cluster != nil {
		db.cluster.Stop()
	}
}

// quiet discards logs for commands whose output is for scripts.
func quiet(cfg config.Config) *slog.Logger {
	return newLogger(cfg, io.Discard)
}

func joinArgs(args []string) string { return strings.Join(args, " ") }
