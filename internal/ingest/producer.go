package ingest

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"

	"concord/internal/format"
	"concord/internal/labeling"
	"concord/internal/media"
	"concord/internal/store"
)

// producer reads the files, checks each record and sends the tasks on.
type producer struct {
	im   *Importer
	cfg  *labeling.Config // nil: a project without a label config yet
	opts Options
	seen map[[16]byte]struct{}
	out  chan item

	read         int64 // bytes read, for progress
	duplicates   int64
	skipped      []*Problem
	skippedCount int64
}

// errStop ends the walk after the error has been sent.
var errStop = errors.New("import stopped")

func (p *producer) run(ctx context.Context, files []File) {
	for _, f := range files {
		if err := p.file(ctx, f); err != nil {
			if !errors.Is(err, errStop) {
				p.send(ctx, item{err: err})
			}
			return
		}
	}
	if p.opts.Progress != nil {
		p.opts.Progress(p.read)
	}
}

// send passes an item on, or gives up when the import has stopped.
func (p *producer) send(ctx context.Context, it item) error {
	select {
	case p.out <- it:
		return nil
	case <-ctx.Done():
		return errStop
	}
}

// refuse handles a bad record: skipped and listed when the user asked for
// that, else the import stops with it.
func (p *producer) refuse(ctx context.Context, pr *Problem) error {
	if !p.opts.SkipInvalid {
		p.send(ctx, item{err: pr})
		return errStop
	}
	p.skippedCount++
	if len(p.skipped) < MaxProblems {
		p.skipped = append(p.skipped, pr)
	}
	return nil
}

func (p *producer) file(ctx context.Context, f File) error {
	fh, err := os.Open(f.Path)
	if err != nil {
		return err
	}
	defer fh.Close()
	ext := strings.ToLower(path.Ext(f.Name))
	switch {
	case ext == ".zip":
		return p.zip(ctx, f, fh)
	case isMedia(ext):
		return p.media(ctx, f.Name, "", &countingReader{r: fh, n: &p.read, progress: p.opts.Progress})
	}
	return p.records(ctx, f.Name, "", &countingReader{r: fh, n: &p.read, progress: p.opts.Progress})
}

func isMedia(ext string) bool {
	switch ext {
	case ".png", ".jpg", ".jpeg", ".gif", ".webp", ".wav", ".mp3", ".flac", ".ogg", ".oga":
		return true
	}
	return false
}

// zip imports every member of an archive: media files and task files.
func (p *producer) zip(ctx context.Context, f File, fh *os.File) error {
	p.read += f.Size
	err := media.ReadZip(fh, f.Size, media.ZipLimits{}, func(name string, open func() (io.ReadCloser, error)) error {
		ext := strings.ToLower(path.Ext(name))
		if strings.HasPrefix(path.Base(name), ".") || strings.HasPrefix(name, "__MACOSX/") {
			return nil // hidden files and macOS resource forks
		}
		rc, err := open()
		if err != nil {
			return &Problem{File: f.Name, Member: name, Msg: err.Error()}
		}
		defer rc.Close()
		if isMedia(ext) {
			return p.media(ctx, f.Name, name, rc)
		}
		return p.records(ctx, f.Name, name, rc)
	})
	var pr *Problem
	switch {
	case err == nil, errors.Is(err, errStop), errors.As(err, &pr):
		return err
	}
	return &Problem{File: f.Name, Msg: err.Error()}
}

// media stores one image or audio file and makes it a task.
func (p *producer) media(ctx context.Context, file, member string, r io.Reader) error {
	name := file
	if member != "" {
		name = member
	}
	problem := func(msg string) error { return p.refuse(ctx, &Problem{File: file, Member: member, Msg: msg}) }
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(media.SniffLen)
	kind, mime, err := media.Sniff(head, name)
	if err != nil {
		return problem(err.Error())
	}
	key, err := p.mediaKey(kind)
	if err != nil {
		return problem(err.Error())
	}
	blob, err := p.im.Blobs.Put(ctx, br)
	if err != nil {
		return err
	}
	m := store.Media{Hash: blob.Hash, Kind: string(kind), MIME: mime, Size: blob.Size}
	if err := p.describe(ctx, &m); err != nil {
		return problem(err.Error())
	}
	data := map[string]any{key: "/media/" + blob.Hash}
	return p.task(ctx, data, nil, nil, &mediaFile{m: m, filename: path.Base(name)}, &Problem{File: file, Member: member})
}

// mediaKey is the task data key the config shows files of this kind with.
func (p *producer) mediaKey(kind media.Kind) (string, error) {
	want := labeling.ObjectImage
	if kind == media.KindAudio {
		want = labeling.ObjectAudio
	}
	if p.cfg != nil {
		for _, o := range p.cfg.Objects {
			if o.Type == want {
				return o.Value, nil
			}
		}
	}
	tag := map[labeling.ObjectType]string{labeling.ObjectImage: "<Image>", labeling.ObjectAudio: "<Audio>"}[want]
	return "", fmt.Errorf("the project's label config has no %s to show this file with", tag)
}

// describe reads a stored file's size or duration, and an audio file's waveform.
func (p *producer) describe(ctx context.Context, m *store.Media) error {
	rc, _, err := p.im.Blobs.Open(ctx, m.Hash)
	if err != nil {
		return err
	}
	defer rc.Close()
	if m.Kind == string(media.KindImage) {
		info, err := media.ReadImageInfo(rc)
		if err != nil {
			return err
		}
		m.Width, m.Height = &info.Width, &info.Height
		return nil
	}
	wave, err := media.Peaks(rc, 0)
	if err != nil {
		return err
	}
	m.Duration = &wave.Duration
	m.Peaks, err = json.Marshal(wave)
	return err
}

// records imports a file of tasks (JSON, JSONL, CSV, TSV, TXT, CoNLL).
func (p *producer) records(ctx context.Context, file, member string, r io.Reader) error {
	name := file
	if member != "" {
		name = member
	}
	kind, err := format.KindFromName(name)
	if err != nil {
		return p.refuse(ctx, &Problem{File: file, Member: member, Msg: strings.TrimPrefix(err.Error(), "format: ")})
	}
	opts, err := p.readerOptions(kind)
	if err != nil {
		return p.refuse(ctx, &Problem{File: file, Member: member, Msg: err.Error()})
	}
	rd, err := format.NewReader(kind, r, opts)
	if err != nil {
		return p.refuse(ctx, &Problem{File: file, Member: member, Msg: err.Error()})
	}
	for {
		t, err := rd.Next()
		if err == io.EOF {
			return nil
		}
		var re *format.RecordError
		if errors.As(err, &re) {
			if err := p.refuse(ctx, &Problem{File: file, Member: member, Line: re.Line, Record: re.Record, Msg: re.Msg}); err != nil || re.Fatal {
				return err
			}
			continue
		}
		if err != nil {
			return p.refuse(ctx, &Problem{File: file, Member: member, Msg: err.Error()})
		}
		if err := p.task(ctx, t.Data, t.Annotations, t.Predictions, nil, &Problem{File: file, Member: member, Line: t.Line}); err != nil {
			return err
		}
	}
}

// readerOptions fits a format reader to the project: which controls CoNLL
// spans belong to, which key TXT lines go to.
func (p *producer) readerOptions(kind format.Kind) (format.Options, error) {
	opts := format.Options{TextKey: "text"}
	if p.cfg == nil {
		if kind == format.CoNLL {
			return opts, errors.New("CoNLL files become labeled text: give the project a label config with <Labels> on a <Text> first")
		}
		return opts, nil
	}
	for _, o := range p.cfg.Objects {
		if o.Type == labeling.ObjectText {
			opts.TextKey = o.Value
			break
		}
	}
	if kind != format.CoNLL {
		return opts, nil
	}
	for _, c := range p.cfg.Controls {
		if o, ok := p.cfg.Object(c.ToName); ok && c.Type == labeling.TypeLabels && o.Type == labeling.ObjectText {
			opts.FromName, opts.ToName, opts.TextKey = c.Name, c.ToName, o.Value
			return opts, nil
		}
	}
	return opts, errors.New("CoNLL files hold labeled spans, but the project's label config has no <Labels> on a <Text>")
}
