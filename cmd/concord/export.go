package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"concord/internal/export"
	"concord/internal/store"
)

// exportCmd exports a project directly from the database (no server needed)
// to a file or stdout, with a progress bar of tasks on stderr.
func exportCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var projectID int64
	var kind, out, filters string
	cfg, fs, err := parse("export", args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.Int64Var(&projectID, "project", 0, "the project to export")
		fs.StringVar(&kind, "format", "JSON", "JSON, JSON_MIN, JSONL, CSV, TSV, CONLL2003, COCO, YOLO, VOC, AUDIO_JSONL or AUDIO_CSV")
		fs.StringVar(&out, "out", "", "the file to write (default: stdout)")
		fs.StringVar(&filters, "filter", "", "the API's export parameters as a query string, e.g. 'consensus=majority&pseudonymise=true'")
	})
	if err != nil {
		return helpOK(err)
	}
	if projectID <= 0 || fs.NArg() > 0 {
		return usagef("usage: concord export --project ID --format F [--out FILE] [--filter QUERY]")
	}
	q, err := url.ParseQuery(filters)
	if err != nil {
		return usagef("--filter: %v", err)
	}
	q.Set("exportType", kind)
	spec, err := export.ParseSpec(q)
	if err != nil {
		return usagef("%v", err)
	}
	db, err := openDatabase(ctx, cfg, false, quiet(cfg))
	if err != nil {
		return err
	}
	defer db.close()
	im, err := importer(cfg, db.store)
	if err != nil {
		return err
	}
	p, err := db.store.ProjectByID(ctx, projectID)
	if err != nil {
		return fmt.Errorf("project %d: %w", projectID, err)
	}
	total, err := export.Count(ctx, db.store, p, spec)
	if err != nil {
		return err
	}
	if err := db.store.Audit(ctx, 0, "command line", store.AuditExport, p.ID, map[string]any{"via": "cli", "spec": spec, "out": out}); err != nil {
		return err
	}
	w, finish, err := output(out, stdout)
	if err != nil {
		return err
	}
	bar := taskBar(stderr, total)
	st, err := export.Project(ctx, db.store, im.Blobs, p, spec, w, "", bar)
	fmt.Fprintln(stderr)
	if err := finish(err); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "exported %d tasks with %d annotations from project %d as %s\n", st.Tasks, st.Annotations, p.ID, spec.Format)
	return nil
}

// output opens where the export goes: a file written through a temporary
// name and renamed when complete, or stdout. finish flushes and closes it,
// removing a partial file when the export failed.
func output(path string, stdout io.Writer) (io.Writer, func(error) error, error) {
	if path == "" {
		bw := bufio.NewWriterSize(stdout, 256<<10)
		return bw, func(err error) error {
			if err != nil {
				return err
			}
			return bw.Flush()
		}, nil
	}
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".part-*")
	if err != nil {
		return nil, nil, err
	}
	bw := bufio.NewWriterSize(f, 256<<10)
	return bw, func(err error) error {
		if err == nil {
			err = bw.Flush()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Rename(f.Name(), path)
		}
		if err != nil {
			os.Remove(f.Name())
		}
		return err
	}, nil
}

// taskBar draws a bar of tasks written on w, redrawn in place.
func taskBar(w io.Writer, total int64) func(done int64) {
	start := time.Now()
	return func(done int64) {
		frac := 1.0
		if total > 0 {
			frac = min(float64(done)/float64(total), 1)
		}
		const width = 30
		n := int(frac * width)
		rate := float64(done) / max(time.Since(start).Seconds(), 0.001)
		fmt.Fprintf(w, "\r[%s%s] %3.0f%% %d/%d tasks, %.0f tasks/s", strings.Repeat("#", n), strings.Repeat(" ", width-n), 100*frac, done, total, rate)
	}
}
