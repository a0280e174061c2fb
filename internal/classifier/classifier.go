// Package classifier connects label configs to the in-house models of
// internal/ml: which model a config gets (For), what the model reads of a
// task and learns from its annotations (Spec.Example), training and loading,
// and the Label Studio result items its predictions become (Spec.Predict).
// It knows nothing of SQL or HTTP: the train and pre-label jobs feed it.
package classifier

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"image"
	"regexp"
	"sort"

	"concord/internal/labeling"
	"concord/internal/media"
	"concord/internal/ml"
)

// The in-house model kinds.
const (
	KindText  = "text"  // Choices on a Text
	KindSpans = "spans" // Labels on a Text
	KindImage = "image" // Choices on an Image
	KindAudio = "audio" // Choices on an Audio
	// KindRegions is Labels on an Audio: voice activity proposes the regions,
	// an audio classifier trained on the labeled regions' clips names them.
	KindRegions = "regions"
)

// Spec says which in-house model a project's config gets: the first
// control the classifier understands, with the object it reads.
type Spec struct {
	Kind    string
	Control labeling.Control
	Object  labeling.Object
}

// For finds the model a config gets, if any.
func For(cfg *labeling.Config) (Spec, bool) {
	for _, c := range cfg.Controls {
		o, ok := cfg.Object(c.ToName)
		if !ok {
			continue
		}
		switch {
		case c.Type == labeling.TypeChoices && o.Type == labeling.ObjectText:
			return Spec{KindText, c, o}, true
		case c.Type == labeling.TypeLabels && o.Type == labeling.ObjectText:
			return Spec{KindSpans, c, o}, true
		case c.Type == labeling.TypeChoices && o.Type == labeling.ObjectImage:
			return Spec{KindImage, c, o}, true
		case c.Type == labeling.TypeChoices && o.Type == labeling.ObjectAudio:
			return Spec{KindAudio, c, o}, true
		case c.Type == labeling.TypeLabels && o.Type == labeling.ObjectAudio:
			return Spec{KindRegions, c, o}, true
		}
	}
	return Spec{}, false
}

// input is what the model reads of one task: a text, an image or audio samples.
type input struct {
	text    string
	img     image.Image
	samples []float32
	rate    int
}

var mediaRef = regexp.MustCompile(`^/media/([0-9a-f]{64})$`)

// readInput reads the task data the model needs, decoding stored media.
func (s Spec) readInput(ctx context.Context, blobs media.Blobs, data json.RawMessage) (input, error) {
	var d map[string]any
	if err := json.Unmarshal(data, &d); err != nil {
		return input{}, err
	}
	v, _ := d[s.Object.Value].(string)
	if s.Kind == KindText || s.Kind == KindSpans {
		return input{text: v}, nil
	}
	m := mediaRef.FindStringSubmatch(v)
	if m == nil {
		return input{}, fmt.Errorf("%q is not a stored file", v)
	}
	rc, _, err := blobs.Open(ctx, m[1])
	if err != nil {
		return input{}, err
	}
	defer rc.Close()
	if s.Kind == KindImage {
		img, _, err := image.Decode(rc)
		return input{img: img}, err
	}
	samples, rate, err := media.DecodeMono(rc)
	return input{samples: samples, rate: rate}, err
}

// target is what the annotators said a task is: a label set, text spans, or
// audio regions.
type target struct {
	labels  []string
	spans   []ml.Span
	regions []region
}

// region is a labeled stretch of audio, in seconds.
type region struct {
	start, end float64
	label      string
}

// targetOf reads the control's answer from a task's annotations: ground truth
// when there is one, else the majority label (ties to the newest annotation);
// for spans, the ground truth or the newest annotation.
func (s Spec) targetOf(results []json.RawMessage, groundTruth bool) (target, bool) {
	var lists [][]labeling.Result
	for _, raw := range results {
		var rs []labeling.Result
		if json.Unmarshal(raw, &rs) == nil {
			lists = append(lists, rs)
		}
	}
	if len(lists) == 0 {
		return target{}, false
	}
	if groundTruth {
		lists = lists[:1]
	}
	if s.Kind == KindSpans || s.Kind == KindRegions {
		var t target
		for _, r := range lists[0] {
			if r.FromName != s.Control.Name || r.Value.Start == nil || r.Value.End == nil || len(r.Value.Labels) == 0 {
				continue
			}
			if s.Kind == KindSpans {
				t.spans = append(t.spans, ml.Span{Start: int(*r.Value.Start), End: int(*r.Value.End), Label: r.Value.Labels[0]})
			} else {
				t.regions = append(t.regions, region{*r.Value.Start, *r.Value.End, r.Value.Labels[0]})
			}
		}
		return t, s.Kind == KindSpans || len(t.regions) > 0
	}
	votes := map[string]int{}
	first := map[string]int{}
	for i, rs := range lists {
		for _, r := range rs {
			if r.FromName != s.Control.Name || len(r.Value.Choices) == 0 {
				continue
			}
			key, _ := json.Marshal(r.Value.Choices)
			votes[string(key)]++
			if _, ok := first[string(key)]; !ok {
				first[string(key)] = i
			}
		}
	}
	if len(votes) == 0 {
		return target{}, false
	}
	keys := make([]string, 0, len(votes))
	for k := range votes {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if votes[keys[i]] != votes[keys[j]] {
			return votes[keys[i]] > votes[keys[j]]
		}
		return first[keys[i]] < first[keys[j]]
	})
	var labels []string
	json.Unmarshal([]byte(keys[0]), &labels)
	return target{labels: labels}, true
}

// Example is one labeled task for training.
type Example struct {
	in input
	t  target
}

// Example reads one labeled task for training: its input (decoding stored
// media) and the control's answer in its annotations' results (newest first;
// the first is the ground truth when groundTruth). It is false for a task with
// no usable answer or an unreadable file, which training skips.
func (s Spec) Example(ctx context.Context, blobs media.Blobs, data json.RawMessage, results []json.RawMessage, groundTruth bool) (Example, bool) {
	t, ok := s.targetOf(results, groundTruth)
	if !ok || (s.Kind != KindSpans && s.Kind != KindRegions && len(t.labels) == 0) {
		return Example{}, false
	}
	in, err := s.readInput(ctx, blobs, data)
	if err != nil {
		return Example{}, false
	}
	return Example{in, t}, true
}

// Model is a trained in-house model of any kind.
type Model interface {
	MarshalBinary() ([]byte, error)
}

// Predict gives the model's answer for a task's data as Label Studio result
// items of the spec's control, with its confidence.
func (s Spec) Predict(ctx context.Context, blobs media.Blobs, m Model, data json.RawMessage) (json.RawMessage, float64, error) {
	in, err := s.readInput(ctx, blobs, data)
	if err != nil {
		return nil, 0, err
	}
	t, score := s.predict(m, in)
	res, err := s.results(t, in.text)
	return res, score, err
}

// Train fits the spec's model on examples.
func (s Spec) Train(exs []Example) (Model, error) {
	switch s.Kind {
	case KindText:
		te := make([]ml.TextExample, len(exs))
		for i, e := range exs {
			te[i] = ml.TextExample{Text: e.in.text, Labels: e.t.labels}
		}
		return ml.TrainText(te, ml.TextOptions{Multi: s.Control.Multiple()})
	case KindSpans:
		se := make([]ml.SpanExample, len(exs))
		for i, e := range exs {
			se[i] = ml.SpanExample{Text: e.in.text, Spans: e.t.spans}
		}
		return ml.TrainSpans(se, ml.SpanOptions{Seed: 1})
	case KindImage:
		ie := make([]ml.ImageExample, len(exs))
		for i, e := range exs {
			ie[i] = ml.ImageExample{Image: e.in.img, Label: first(e.t.labels)}
		}
		return ml.TrainImage(ie, ml.ImageOptions{})
	case KindAudio:
		ae := make([]ml.AudioExample, len(exs))
		for i, e := range exs {
			ae[i] = ml.AudioExample{Samples: e.in.samples, SampleRate: e.in.rate, Label: first(e.t.labels)}
		}
		return ml.TrainAudio(ae, ml.AudioOptions{})
	case KindRegions:
		var ae []ml.AudioExample
		for _, e := range exs {
			for _, r := range e.t.regions {
				ae = append(ae, ml.AudioExample{Samples: clip(e.in.samples, e.in.rate, r.start, r.end), SampleRate: e.in.rate, Label: r.label})
			}
		}
		return ml.TrainAudio(ae, ml.AudioOptions{})
	}
	return nil, fmt.Errorf("unknown model kind %q", s.Kind)
}

// Load reads a stored model of the spec's kind.
func (s Spec) Load(b []byte) (Model, error) {
	var m interface {
		Model
		UnmarshalBinary([]byte) error
	}
	switch s.Kind {
	case KindText:
		m = new(ml.TextModel)
	case KindSpans:
		m = new(ml.SpanModel)
	case KindImage:
		m = new(ml.ImageModel)
	case KindAudio, KindRegions:
		m = new(ml.AudioModel)
	default:
		return nil, fmt.Errorf("unknown model kind %q", s.Kind)
	}
	return m, m.UnmarshalBinary(b)
}

// predict gives a model's answer for one input: a target and a confidence.
func (s Spec) predict(m Model, in input) (target, float64) {
	switch mm := m.(type) {
	case *ml.TextModel:
		return chooseFrom(mm.Predict(in.text), mm.Multi())
	case *ml.ImageModel:
		return chooseFrom(mm.Predict(in.img), false)
	case *ml.AudioModel:
		if s.Kind == KindRegions {
			var t target
			score := 1.0
			for _, r := range ml.DetectSpeech(in.samples, in.rate, ml.VADOptions{}) {
				c, p := chooseFrom(mm.Predict(clip(in.samples, in.rate, r.Start, r.End), in.rate), false)
				t.regions = append(t.regions, region{r.Start, r.End, first(c.labels)})
				score = min(score, p)
			}
			return t, score
		}
		return chooseFrom(mm.Predict(in.samples, in.rate), false)
	case *ml.SpanModel:
		var t target
		score := 1.0
		for _, sp := range mm.Predict(in.text) {
			t.spans = append(t.spans, sp.Span)
			score = min(score, sp.P)
		}
		return t, score
	}
	return target{}, 0
}

// chooseFrom picks the top label (or, for multiple choice, every label more
// likely than not) and the confidence of that choice.
func chooseFrom(scored []ml.Scored, multi bool) (target, float64) {
	if len(scored) == 0 {
		return target{}, 0
	}
	if !multi {
		return target{labels: []string{scored[0].Label}}, scored[0].P
	}
	var t target
	conf := 1.0
	for _, s := range scored {
		if s.P >= 0.5 {
			t.labels = append(t.labels, s.Label)
		}
		conf = min(conf, max(s.P, 1-s.P))
	}
	return t, conf
}

// results writes a target as Label Studio result items of the spec's control.
func (s Spec) results(t target, text string) (json.RawMessage, error) {
	var rs []labeling.Result
	if s.Kind == KindSpans {
		for _, sp := range t.spans {
			start, end := float64(sp.Start), float64(sp.End)
			slice, err := labeling.UTF16Slice(text, sp.Start, sp.End)
			if err != nil {
				return nil, err
			}
			rs = append(rs, labeling.Result{ID: regionID(), FromName: s.Control.Name, ToName: s.Object.Name, Type: labeling.TypeLabels,
				Value: labeling.Value{Start: &start, End: &end, Text: slice, Labels: []string{sp.Label}}})
		}
	} else if s.Kind == KindRegions {
		for _, r := range t.regions {
			start, end := r.start, r.end
			rs = append(rs, labeling.Result{ID: regionID(), FromName: s.Control.Name, ToName: s.Object.Name, Type: labeling.TypeLabels,
				Value: labeling.Value{Start: &start, End: &end, Labels: []string{r.label}}})
		}
	} else if len(t.labels) > 0 {
		rs = append(rs, labeling.Result{ID: regionID(), FromName: s.Control.Name, ToName: s.Object.Name, Type: labeling.TypeChoices,
			Value: labeling.Value{Choices: t.labels}})
	}
	if rs == nil {
		rs = []labeling.Result{}
	}
	return json.Marshal(rs)
}

func regionID() string {
	b := make([]byte, 5)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// clip cuts the samples between two times in seconds.
func clip(samples []float32, rate int, start, end float64) []float32 {
	lo := min(max(int(start*float64(rate)), 0), len(samples))
	hi := min(max(int(end*float64(rate)), lo), len(samples))
	return samples[lo:hi]
}

func first(xs []string) string {
	if len(xs) == 0 {
		return ""
	}
	return xs[0]
}

// HeldOut puts about one task in five, chosen by a hash of its id, in the
// evaluation set: the same tasks whatever order they come in.
func HeldOut(taskID int64) bool {
	h := fnv.New32a()
	fmt.Fprint(h, taskID)
	return h.Sum32()%5 == 0
}

// Evaluate scores a model on held-out examples.
func (s Spec) Evaluate(m Model, exs []Example) map[string]any {
	if len(exs) == 0 {
		return map[string]any{}
	}
	if s.Kind == KindRegions {
		// How well the classifier names the annotators' own regions.
		var gold, pred []string
		am := m.(*ml.AudioModel)
		for _, e := range exs {
			for _, r := range e.t.regions {
				c, _ := chooseFrom(am.Predict(clip(e.in.samples, e.in.rate, r.start, r.end), e.in.rate), false)
				gold, pred = append(gold, r.label), append(pred, first(c.labels))
			}
		}
		r := ml.Evaluate(gold, pred)
		return map[string]any{"accuracy": r.Accuracy, "macro_f1": r.MacroF1, "per_label": perLabelF1(r.PerLabel)}
	}
	if s.Kind == KindSpans {
		gold, pred := make([][]ml.Span, len(exs)), make([][]ml.Span, len(exs))
		for i, e := range exs {
			gold[i] = e.t.spans
			t, _ := s.predict(m, e.in)
			pred[i] = t.spans
		}
		r := ml.EvaluateSpans(gold, pred)
		return map[string]any{"entity_f1": r.F1, "precision": r.Precision, "recall": r.Recall, "per_label": perLabelF1(r.PerLabel)}
	}
	gold, pred := make([]string, len(exs)), make([]string, len(exs))
	for i, e := range exs {
		gold[i] = joinLabels(e.t.labels)
		t, _ := s.predict(m, e.in)
		pred[i] = joinLabels(t.labels)
	}
	r := ml.Evaluate(gold, pred)
	return map[string]any{"accuracy": r.Accuracy, "macro_f1": r.MacroF1, "per_label": perLabelF1(r.PerLabel)}
}

func perLabelF1(ls []ml.LabelMetrics) map[string]float64 {
	out := map[string]float64{}
	for _, l := range ls {
		out[l.Label] = l.F1
	}
	return out
}

func joinLabels(ls []string) string {
	b, _ := json.Marshal(ls)
	return string(b)
}
