package export

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"concord/internal/labeling"
	"concord/internal/media"
	"concord/internal/store"
)

// The export service: a project's tasks read from the store's cursor and
// written by Write. The API's streamed download, background exports, the
// command line and the benchmark share it.

// Keep is how long a background export's file is kept for download; the
// prune job deletes it after.
const Keep = 24 * time.Hour

// Filter is the store's filter for what spec asks for.
func Filter(spec Spec, cfg *labeling.Config) store.ExportFilter {
	f := store.ExportFilter{From: spec.From, To: spec.To, Annotators: spec.Annotators, Label: spec.Label,
		GroundTruthOnly: spec.GroundTruth, ReviewState: spec.ReviewState, Skipped: spec.Skipped, AllTasks: spec.AllTasks, Predictions: spec.Predictions,
		Tasks: store.SnapshotTasks{Annotated: spec.TasksAnnotated, Skipped: spec.TasksSkipped, Finished: spec.TasksFinished, Reviewed: spec.TasksReviewed},
		Query: spec.Query}
	if cfg != nil {
		for _, o := range cfg.Objects {
			f.Media = f.Media || o.Type == labeling.ObjectImage || o.Type == labeling.ObjectAudio
		}
	}
	return f
}

// Project writes p's export as spec asks onto w. baseURL prefixes media URLs
// (media=url); blobs, when not nil, gives the YOLO and VOC zips their images.
func Project(ctx context.Context, st *store.Store, blobs media.Blobs, p store.Project, spec Spec, w io.Writer, baseURL string, progress func(int64)) (Stats, error) {
	cfg, err := labeling.ParseConfig(p.LabelConfig)
	if err != nil {
		cfg = nil // an old config that no longer parses: export with the formats' defaults
	}
	f := Filter(spec, cfg)
	tasks := func(fn func(Stored) error) error {
		return st.ExportTasks(ctx, p.ID, f, func(t store.ExportTask) error {
			return fn(Stored{ID: t.ID, Data: t.Data, Annotations: t.Annotations, Predictions: t.Predictions, Media: t.Media})
		})
	}
	opts := Options{Format: spec.Format, Config: cfg, Consensus: spec.Consensus,
		Pseudonymise: spec.Pseudonymise, Redact: spec.Redact, RawFormulas: spec.RawFormulas, Media: spec.Media, BaseURL: baseURL, Progress: progress}
	if blobs != nil {
		opts.OpenMedia = func(hash string) ([]byte, error) { return media.ReadBlob(ctx, blobs, hash) }
	}
	return Write(w, tasks, opts)
}

// Count counts the tasks an export of spec will write.
func Count(ctx context.Context, st *store.Store, p store.Project, spec Spec) (int64, error) {
	cfg, _ := labeling.ParseConfig(p.LabelConfig)
	return st.CountExportTasks(ctx, p.ID, Filter(spec, cfg))
}

// ToFile writes p's export to path (through path.part, renamed into place
// when complete, so a download never sees half a file) and returns its size.
func ToFile(ctx context.Context, st *store.Store, blobs media.Blobs, p store.Project, spec Spec, path, baseURL string, progress func(int64)) (Stats, int64, error) {
	if path == "" {
		return Stats{}, 0, errors.New("export has no file path")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return Stats{}, 0, err
	}
	tmp := path + ".part"
	f, err := os.Create(tmp)
	if err != nil {
		return Stats{}, 0, err
	}
	defer os.Remove(tmp) // no-op after the rename
	bw := bufio.NewWriterSize(f, 256<<10)
	stats, err := Project(ctx, st, blobs, p, spec, bw, baseURL, progress)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return stats, 0, err
	}
	fi, err := os.Stat(tmp)
	if err != nil {
		return stats, 0, err
	}
	return stats, fi.Size(), os.Rename(tmp, path)
}

// Prune deletes the files of exports whose time is up and marks them expired.
func Prune(ctx context.Context, st *store.Store) (int, error) {
	es, err := st.ExpiredExports(ctx)
	if err != nil {
		return 0, err
	}
	for _, e := range es {
		if err := os.Remove(e.FilePath); err != nil && !errors.Is(err, os.ErrNotExist) {
			return 0, fmt.Errorf("prune export %d: %w", e.ID, err)
		}
		if err := st.ExpireExport(ctx, e.ID); err != nil {
			return 0, err
		}
	}
	return len(es), nil
}
