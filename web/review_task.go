package web

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"unicode/utf16"

	"concord/internal/agreement"
	"concord/internal/labeling"
	"concord/internal/store"
	"concord/web/link"
	"concord/web/view"
)

// The side-by-side view of a task: every annotation drawn over the same text,
// image or waveform, one colour class and one tag ("A1", "A2", ...) per
// annotation, and what not every annotator marked flagged as a difference.

// reviewed is one annotation of the task, parsed.
type reviewed struct {
	store.ReviewedAnnotation
	N       int // 1-based tag number
	Results []labeling.Result
}

func (a reviewed) class() string { return fmt.Sprintf("a%d", (a.N-1)%8) }

func (a reviewed) who() string {
	if a.Email == "" {
		return "imported"
	}
	return a.Email
}

var storedMedia = regexp.MustCompile(`^/media/([0-9a-f]{64})$`)

// sideBySide builds the task's drawings and tables from its annotations.
func sideBySide(cfg *labeling.Config, data map[string]any, media map[string]store.Media, anns []reviewed) ([]view.ReviewObject, []view.ChoiceTable, []view.OtherRow) {
	var live []reviewed // the annotations compared: not skipped
	for _, a := range anns {
		if !a.WasCancelled {
			live = append(live, a)
		}
	}
	var objs []view.ReviewObject
	for _, o := range cfg.Objects {
		ro := view.ReviewObject{Name: o.Name, Type: string(o.Type)}
		src, _ := data[o.Value].(string)
		m, stored := media[o.Value]
		switch o.Type {
		case labeling.ObjectText:
			ro.Text = textView(cfg, o, data[o.Value], live)
		case labeling.ObjectImage:
			ro.Image = imageView(cfg, o, src, m, stored, live)
		case labeling.ObjectAudio:
			ro.Audio = audioView(cfg, o, src, m, stored, live)
		}
		objs = append(objs, ro)
	}
	var tables []view.ChoiceTable
	var others []view.OtherRow
	for _, c := range cfg.Controls {
		switch c.Type {
		case labeling.TypeChoices:
			tables = append(tables, choiceTable(c, live))
		case labeling.TypeTextArea, labeling.TypeRating:
			for _, a := range live {
				for _, r := range a.Results {
					if r.FromName != c.Name {
						continue
					}
					v := strings.Join(r.Value.Texts, " / ")
					if c.Type == labeling.TypeRating {
						v = fmt.Sprintf("%d of %d", r.Value.Rating, c.MaxRating)
					}
					if c.PerRegion {
						v += " (region " + r.ID + ")"
					}
					others = append(others, view.OtherRow{N: a.N, Class: a.class(), Email: a.who(), Control: c.Name, Value: v})
				}
			}
		}
	}
	return objs, tables, others
}

// region is a span, box or audio region of one annotation; it differs when
// some other annotation has no region matching it in the one-to-one matching
// that agreement scores (agreement.Unmatched).
type region struct {
	differs               bool
	ann                   int // index in live
	label                 string
	start, end            float64
	x, y, width, height   float64
	box                   bool
	id, text, controlName string
}

func regionsOf(cfg *labeling.Config, obj string, live []reviewed) [][]region {
	out := make([][]region, len(live))
	for i, a := range live {
		unmatched := map[string][]bool{} // per control: a's results that some other annotation lacks
		for _, c := range cfg.Controls {
			if c.ToName != obj {
				continue
			}
			un := make([]bool, len(a.Results))
			for j, o := range live {
				if j != i {
					for k, u := range agreement.Unmatched(c, a.Results, o.Results) {
						un[k] = un[k] || u
					}
				}
			}
			unmatched[c.Name] = un
		}
		for k, r := range a.Results {
			c, ok := cfg.Control(r.FromName)
			if !ok || c.ToName != obj {
				continue
			}
			differs := unmatched[c.Name][k]
			switch {
			case c.Type == labeling.TypeRectangleLabels:
				out[i] = append(out[i], region{ann: i, label: strings.Join(r.Value.RectangleLabels, ", "), box: true, differs: differs,
					x: r.Value.X, y: r.Value.Y, width: r.Value.Width, height: r.Value.Height, id: r.ID, controlName: c.Name})
			case c.Type == labeling.TypeLabels && r.Value.Start != nil && r.Value.End != nil:
				out[i] = append(out[i], region{ann: i, label: strings.Join(r.Value.Labels, ", "), start: *r.Value.Start, end: *r.Value.End,
					differs: differs, id: r.ID, text: r.Value.Text, controlName: c.Name})
			}
		}
	}
	return out
}

// textView splits the text at every span edge; each piece carries the spans
// covering it, one layer per annotation.
func textView(cfg *labeling.Config, o labeling.Object, raw any, live []reviewed) *view.TextView {
	s, ok := raw.(string)
	if !ok {
		b, _ := json.Marshal(raw)
		s = string(b)
	}
	u := utf16.Encode([]rune(s))
	n := float64(len(u))
	all := regionsOf(cfg, o.Name, live)
	tv := &view.TextView{}
	cuts := map[int]bool{0: true, len(u): true}
	var spans []region
	for _, rs := range all {
		for _, r := range rs {
			r.start, r.end = math.Max(0, math.Min(n, r.start)), math.Max(0, math.Min(n, r.end))
			if r.end <= r.start {
				continue
			}
			spans = append(spans, r)
			cuts[int(r.start)], cuts[int(r.end)] = true, true
			a := live[r.ann]
			tv.Spans = append(tv.Spans, view.SpanLine{N: a.N, Class: a.class(), Email: a.who(), Label: r.label,
				Text: string(utf16.Decode(u[int(r.start):int(r.end)])), Start: int(r.start), End: int(r.end), Differs: r.differs})
		}
	}
	at := make([]int, 0, len(cuts))
	for c := range cuts {
		at = append(at, c)
	}
	sort.Ints(at)
	for i := 0; i+1 < len(at); i++ {
		a, b := at[i], at[i+1]
		seg := view.Segment{Text: string(utf16.Decode(u[a:b]))}
		for _, sp := range spans {
			if int(sp.start) <= a && int(sp.end) >= b {
				ann := live[sp.ann]
				l := view.Layer{N: ann.N, Class: ann.class(), Lane: fmt.Sprintf("d%d", (ann.N-1)%8)}
				if int(sp.end) == b {
					l.Tag = fmt.Sprintf("A%d %s", ann.N, sp.label)
				}
				seg.Layers = append(seg.Layers, l)
				seg.Differs = seg.Differs || sp.differs
			}
		}
		// The outermost layer is the highest tag number: its underline sits lowest.
		sort.SliceStable(seg.Layers, func(i, j int) bool { return seg.Layers[i].N > seg.Layers[j].N })
		tv.Segments = append(tv.Segments, seg)
	}
	sort.SliceStable(tv.Spans, func(i, j int) bool {
		if tv.Spans[i].Start != tv.Spans[j].Start {
			return tv.Spans[i].Start < tv.Spans[j].Start
		}
		return tv.Spans[i].N < tv.Spans[j].N
	})
	return tv
}

func imageView(cfg *labeling.Config, o labeling.Object, src string, m store.Media, stored bool, live []reviewed) *view.ImageView {
	iv := &view.ImageView{Src: src, W: 100, H: 100}
	if stored && m.Width != nil && m.Height != nil && *m.Width > 0 && *m.Height > 0 {
		iv.W, iv.H, iv.Known = float64(*m.Width), float64(*m.Height), true
	} else {
		for _, a := range live {
			for _, r := range a.Results {
				if r.ToName == o.Name && r.OriginalWidth > 0 && r.OriginalHeight > 0 {
					iv.W, iv.H, iv.Known = float64(r.OriginalWidth), float64(r.OriginalHeight), true
				}
			}
		}
	}
	all := regionsOf(cfg, o.Name, live)
	for _, rs := range all {
		for _, r := range rs {
			if !r.box {
				continue
			}
			a := live[r.ann]
			iv.Boxes = append(iv.Boxes, view.BoxMark{N: a.N, Class: a.class(), Email: a.who(), Label: r.label,
				X: r.x * iv.W / 100, Y: r.y * iv.H / 100, W: r.width * iv.W / 100, H: r.height * iv.H / 100,
				Pct: fmt.Sprintf("%.1f%%, %.1f%% · %.1f×%.1f%%", r.x, r.y, r.width, r.height), Differs: r.differs})
		}
	}
	return iv
}

func audioView(cfg *labeling.Config, o labeling.Object, src string, m store.Media, stored bool, live []reviewed) *view.AudioView {
	av := &view.AudioView{Src: src}
	if stored {
		av.Peaks = link.MediaPeaks(m.Hash)
		if m.Duration != nil {
			av.Duration = *m.Duration
		}
	}
	all := regionsOf(cfg, o.Name, live)
	for i, a := range live {
		av.Lanes = append(av.Lanes, view.Lane{N: a.N, Class: a.class(), Email: a.who(), Y: float64(i) * 26})
	}
	for _, rs := range all {
		for _, r := range rs {
			if r.box {
				continue
			}
			av.Duration = math.Max(av.Duration, r.end)
			a := live[r.ann]
			av.Regions = append(av.Regions, view.RegionMark{N: a.N, Class: a.class(), Email: a.who(), Label: r.label,
				Start: r.start, End: r.end, Differs: r.differs, Lane: r.ann})
		}
	}
	if av.Duration <= 0 {
		av.Duration = 1
	}
	return av
}

// choiceTable is annotator × choice, each annotator's row flagged when it is
// not the most common answer.
func choiceTable(c labeling.Control, live []reviewed) view.ChoiceTable {
	t := view.ChoiceTable{Control: c.Name, Labels: c.Values()}
	answers := make([][]string, len(live))
	count := map[string]int{}
	for i, a := range live {
		for _, r := range a.Results {
			if r.FromName == c.Name {
				answers[i] = append(answers[i], r.Value.Choices...)
			}
		}
		sort.Strings(answers[i])
		count[strings.Join(answers[i], "\x00")]++
	}
	bestN := 0
	for _, n := range count {
		bestN = max(bestN, n)
	}
	var tops []string
	for k, n := range count {
		if n == bestN {
			tops = append(tops, k)
		}
	}
	tie, best := len(tops) > 1, ""
	if len(tops) == 1 {
		best = tops[0]
	}
	if len(count) > 1 {
		if tie {
			t.Majority = "no majority: a tie"
		} else {
			t.Majority = "majority: " + strings.ReplaceAll(best, "\x00", ", ")
		}
	}
	for i, a := range live {
		row := view.ChoiceRow{N: a.N, Class: a.class(), Email: a.who(), Differs: len(count) > 1 && (tie || strings.Join(answers[i], "\x00") != best)}
		for _, l := range t.Labels {
			row.Marks = append(row.Marks, contains(answers[i], l))
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
