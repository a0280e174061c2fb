package main

import (
	"context"
	"fmt"
	"io"

	"concord/internal/localpg"
	"concord/internal/store"
)

func migrateCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, fs, err := parse("migrate", args, getenv, stderr, nil)
	if err != nil {
		return helpOK(err)
	}
	if fs.NArg() != 1 || (fs.Arg(0) != "up" && fs.Arg(0) != "down" && fs.Arg(0) != "version") {
		return usagef("usage: concord migrate up|down|version")
	}
	url := cfg.DatabaseURL
	if url == "" {
		c, err := localpg.Start(ctx, cfg.DataDir+"/pg")
		if err != nil {
			return err
		}
		defer c.Stop()
		url = c.URL(localpg.Database)
	}
	m, err := store.NewMigrator(url)
	if err != nil {
		return err
	}
	defer m.Close()
	switch fs.Arg(0) {
	case "up":
		err = m.Up()
	case "down":
		err = m.Down()
	}
	if err != nil {
		return err
	}
	v, dirty, err := m.Version()
	if err != nil {
		return err
	}
	latest, _ := store.Latest()
	fmt.Fprintf(stdout, "version %d of %d", v, latest)
	if dirty {
		fmt.Fprint(stdout, " (dirty: a migration failed part-way; fix it by hand, then force the version)")
	}
	fmt.Fprintln(stdout)
	return nil
}
