package ingest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"concord/internal/labeling"
	"concord/internal/store"
)

// item is one checked task on its way to the database, or the error that stops the import.
type item struct {
	task        store.NewTask
	annotations []store.NewAnnotation // TaskID filled in on arrival
	predictions []store.NewPrediction
	media       *mediaFile
	err         error
}

type mediaFile struct {
	m        store.Media
	filename string
}

// Run imports files into project p, all or nothing (see the package comment).
func (im *Importer) Run(ctx context.Context, p store.Project, files []File, opts Options) (Report, error) {
	start := time.Now()
	cfg, err := projectConfig(p)
	if err != nil {
		return Report{}, err
	}
	var rep Report
	err = im.Store.Bulk(ctx, p.ID, func(b *store.Bulk) error {
		seen := map[[16]byte]struct{}{}
		if err := b.TaskHashes(ctx, func(h []byte) { seen[hashKey(h)] = struct{}{} }); err != nil {
			return err
		}
		pctx, stop := context.WithCancel(ctx)
		defer stop()
		prod := &producer{im: im, cfg: cfg, opts: opts, seen: seen, out: make(chan item, 256)}
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(prod.out)
			defer func() {
				// A panic here would take the whole server down: end the import instead.
				if v := recover(); v != nil {
					prod.send(pctx, item{err: fmt.Errorf("the import stopped on an internal error: %v", v)})
				}
			}()
			prod.run(pctx, files)
		}()
		cons := &consumer{in: prod.out, media: map[string]mediaFile{}, returnIDs: opts.ReturnIDs}
		n, err := b.CopyTasks(ctx, opts.ImportID, cons.next)
		stop()
		wg.Wait() // the producer has stopped: its counts are final
		if cons.err != nil {
			return cons.err // COPY would only have its text
		}
		if err != nil {
			return err
		}
		for _, mf := range cons.media {
			if err := b.AddMedia(ctx, mf.m, mf.filename); err != nil {
				return err
			}
		}
		if err := b.CopyAnnotations(ctx, cons.annotations); err != nil {
			return err
		}
		if err := b.CopyPredictions(ctx, cons.predictions); err != nil {
			return err
		}
		if err := b.Recount(ctx, cons.labeled, p.MaximumAnnotations); err != nil {
			return err
		}
		rep = Report{
			TasksCreated: n,
			Duplicates:   prod.duplicates,
			Annotations:  int64(len(cons.annotations)),
			Predictions:  int64(len(cons.predictions)),
			SkippedCount: prod.skippedCount,
			Skipped:      prod.skipped,
			TaskIDs:      cons.created,
		}
		return nil
	})
	rep.Duration = time.Since(start).Seconds()
	var pr *Problem
	if errors.As(err, &pr) {
		return rep, pr // the user's mistake, without the store's wrapping
	}
	return rep, err
}

// projectConfig parses the project's label config; a project not set up yet
// (an empty View) imports data but no labels.
func projectConfig(p store.Project) (*labeling.Config, error) {
	cfg, err := labeling.ParseConfig(p.LabelConfig)
	if err != nil {
		if p.LabelConfig == "<View></View>" || p.LabelConfig == "" {
			return nil, nil
		}
		return nil, fmt.Errorf("the project's label config does not parse: %w", err)
	}
	return cfg, nil
}

func hashKey(h []byte) (k [16]byte) {
	copy(k[:], h)
	return k
}

// consumer feeds checked tasks to COPY, giving each its reserved id and keeping
// its annotations, predictions and media for after the tasks are in.
type consumer struct {
	in          <-chan item
	annotations []store.NewAnnotation
	predictions []store.NewPrediction
	media       map[string]mediaFile
	labeled     []int64 // tasks that came with annotations or predictions
	returnIDs   bool
	created     []int64 // every task's id, when returnIDs
	err         error   // the producer's error that stopped the COPY
}

func (c *consumer) next(id int64) (store.NewTask, bool, error) {
	it, ok := <-c.in
	if !ok {
		return store.NewTask{}, false, nil
	}
	if it.err != nil {
		c.err = it.err
		return store.NewTask{}, false, it.err
	}
	it.task.ID = id
	if c.returnIDs {
		c.created = append(c.created, it.task.ID)
	}
	for _, a := range it.annotations {
		a.TaskID = it.task.ID
		c.annotations = append(c.annotations, a)
	}
	for _, p := range it.predictions {
		p.TaskID = it.task.ID
		c.predictions = append(c.predictions, p)
	}
	if it.media != nil {
		c.media[it.media.m.Hash] = *it.media
	}
	if len(it.annotations)+len(it.predictions) > 0 {
		c.labeled = append(c.labeled, it.task.ID)
	}
	return it.task, true, nil
}
