package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"concord/internal/app"
	"concord/internal/ingest"
	"concord/internal/job"
)

// importCmd imports files into a project directly (no server needed), with a
// progress bar on stderr.
func importCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var projectID int64
	var skip bool
	cfg, fs, err := parse("import", args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.Int64Var(&projectID, "project", 0, "the project to import into")
		fs.BoolVar(&skip, "skip-invalid", false, "skip invalid records (and list them) instead of importing nothing")
	})
	if err != nil {
		return helpOK(err)
	}
	if projectID <= 0 || fs.NArg() == 0 {
		return usagef("usage: concord import --project ID [--skip-invalid] FILE...")
	}
	var files []ingest.File
	var total int64
	for _, path := range fs.Args() {
		fi, err := os.Stat(path)
		if err != nil {
			return err
		}
		if fi.IsDir() {
			return fmt.Errorf("%s is a directory: name its files, or zip it", path)
		}
		files = append(files, ingest.File{Name: filepath.Base(path), Path: path, Size: fi.Size()})
		total += fi.Size()
	}
	db, err := openDatabase(ctx, cfg, false, quiet(cfg))
	if err != nil {
		return err
	}
	defer db.close()
	p, err := db.store.ProjectByID(ctx, projectID)
	if err != nil {
		return fmt.Errorf("project %d: %w", projectID, err)
	}
	im, err := importer(cfg, db.store)
	if err != nil {
		return err
	}
	rec, err := db.store.CreateImport(ctx, p.ID, 0, nil, total, skip)
	if err != nil {
		return err
	}
	// A client that only inserts: the import's webhook events commit with it.
	jobs, err := job.NewClient(db.store.Pool, db.store, im, job.Options{}, quiet(cfg))
	if err != nil {
		return err
	}
	bar := progressBar(stderr, total)
	rep, err := app.NewImports(cfg, db.store, im).Run(ctx, jobs, p, rec, files, ingest.Options{ImportID: rec.ID, SkipInvalid: skip, Progress: bar}, false)
	bar(total)
	fmt.Fprintln(stderr)
	if _, refused := ingest.AsProblem(err); refused {
		return fmt.Errorf("%w (nothing was imported; use --skip-invalid to skip bad records)", err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "imported %d tasks, %d annotations, %d predictions into project %d in %.1fs; %d duplicates skipped\n",
		rep.TasksCreated, rep.Annotations, rep.Predictions, p.ID, rep.Duration, rep.Duplicates)
	for _, pr := range rep.Skipped {
		fmt.Fprintln(stdout, "skipped:", pr.Error())
	}
	if rep.SkippedCount > int64(len(rep.Skipped)) {
		fmt.Fprintf(stdout, "skipped: … and %d more\n", rep.SkippedCount-int64(len(rep.Skipped)))
	}
	return nil
}

// progressBar draws a bar of bytes read on w, redrawn in place.
func progressBar(w io.Writer, total int64) func(done int64) {
	start := time.Now()
	return func(done int64) {
		frac := 1.0
		if total > 0 {
			frac = min(float64(done)/float64(total), 1)
		}
		const width = 30
		n := int(frac * width)
		rate := float64(done) / (1 << 20) / max(time.Since(start).Seconds(), 0.001)
		fmt.Fprintf(w, "\r[%s%s] %3.0f%% %.1f MiB/s", strings.Repeat("#", n), strings.Repeat(" ", width-n), 100*frac, rate)
	}
}
