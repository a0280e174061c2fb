package web

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf16"

	"concord/internal/labeling"
	"concord/internal/store"
	"concord/web/problem"
	"concord/web/view"
)

// "Fix and accept" is a plain form, started from one annotation: choices as
// checkboxes or radio buttons; every span, box and audio region as a row with
// its label and coordinates (offsets, percent or seconds), to change or remove;
// and one empty row per region control to add one. It works without scripts;
// review.js only fills a new span's offsets from the text selected above.

// regionKind is how a region control's regions are edited: span, box or audio.
func regionKind(cfg *labeling.Config, c labeling.Control) string {
	if c.Type == labeling.TypeRectangleLabels {
		return "box"
	}
	if o, ok := cfg.Object(c.ToName); ok && o.Type == labeling.ObjectAudio {
		return "audio"
	}
	return "span"
}

// regionText is the per-region TextArea of an object, if it has one.
func regionText(cfg *labeling.Config, object string) (labeling.Control, bool) {
	for _, c := range cfg.ControlsFor(object) {
		if c.Type == labeling.TypeTextArea && c.PerRegion {
			return c, true
		}
	}
	return labeling.Control{}, false
}

func isRegion(c labeling.Control) bool {
	return c.Type == labeling.TypeLabels || c.Type == labeling.TypeRectangleLabels
}

func fnum(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// fixFormOf fills the fix form from one annotation.
func fixFormOf(cfg *labeling.Config, a reviewed) *view.FixForm {
	f := &view.FixForm{BaseID: a.ID, BaseTag: fmt.Sprintf("A%d", a.N), BaseEmail: a.who()}
	for _, c := range cfg.Controls {
		if c.Type == labeling.TypeChoices {
			var chosen []string
			for _, r := range a.Results {
				if r.FromName == c.Name {
					chosen = append(chosen, r.Value.Choices...)
				}
			}
			fc := view.FixChoice{Control: c.Name, Multiple: c.Multiple()}
			for _, v := range c.Values() {
				fc.Options = append(fc.Options, view.FixOption{Value: v, Checked: contains(chosen, v)})
			}
			f.Choices = append(f.Choices, fc)
		}
		if !isRegion(c) {
			continue
		}
		kind := regionKind(cfg, c)
		tc, hasText := regionText(cfg, c.ToName)
		row := func(r labeling.Result, isNew bool) view.FixRegion {
			fr := view.FixRegion{Index: len(f.Regions), Kind: kind, Object: c.ToName, Control: c.Name, ID: r.ID, Labels: c.Values(), HasText: hasText, New: isNew}
			labels := append(r.Value.Labels, r.Value.RectangleLabels...)
			if len(labels) > 0 {
				fr.Label = labels[0]
			}
			val := func(p *float64) string {
				if isNew || p == nil {
					return ""
				}
				return fnum(*p)
			}
			switch kind {
			case "box":
				v := r.Value
				for _, n := range []struct {
					name, label string
					v           float64
				}{{"x", "x (%)", v.X}, {"y", "y (%)", v.Y}, {"width", "Width (%)", v.Width}, {"height", "Height (%)", v.Height}} {
					fr.Nums = append(fr.Nums, view.FixNum{Name: n.name, Label: n.label, Value: val(&n.v), Step: "0.01"})
				}
			case "audio":
				fr.Nums = []view.FixNum{{Name: "start", Label: "Start (s)", Value: val(r.Value.Start), Step: "0.001"},
					{Name: "end", Label: "End (s)", Value: val(r.Value.End), Step: "0.001"}}
			default:
				fr.Nums = []view.FixNum{{Name: "start", Label: "Start (offset)", Value: val(r.Value.Start), Step: "1"},
					{Name: "end", Label: "End (offset)", Value: val(r.Value.End), Step: "1"}}
			}
			if hasText && !isNew {
				for _, t := range a.Results {
					if t.FromName == tc.Name && t.ID == r.ID && len(t.Value.Texts) > 0 {
						fr.Text = t.Value.Texts[0]
					}
				}
			}
			return fr
		}
		for _, r := range a.Results {
			if r.FromName == c.Name {
				f.Regions = append(f.Regions, row(r, false))
			}
		}
		f.Regions = append(f.Regions, row(labeling.Result{}, true))
	}
	return f
}

// fixedResult builds the reviewer's result from the fix form: the base
// annotation's other answers (texts, ratings) kept, choices and regions as
// the form has them. The API validates it against the config.
func fixedResult(cfg *labeling.Config, t store.Task, base store.Annotation, r *http.Request) ([]json.RawMessage, error) {
	var old []labeling.Result
	json.Unmarshal(base.Result, &old)
	var out []labeling.Result
	for _, res := range old {
		c, ok := cfg.Control(res.FromName)
		if ok && (c.Type == labeling.TypeChoices || isRegion(c) || (c.Type == labeling.TypeTextArea && c.PerRegion)) {
			continue // rebuilt from the form below
		}
		out = append(out, res)
	}
	oldByID := map[string]labeling.Result{}
	for _, res := range old {
		if res.ID != "" {
			oldByID[res.FromName+"\x00"+res.ID] = res
		}
	}
	for _, c := range cfg.Controls {
		if c.Type != labeling.TypeChoices {
			continue
		}
		if vals := r.PostForm["choice."+c.Name]; len(vals) > 0 {
			id := newRegionID()
			for _, res := range old {
				if res.FromName == c.Name && res.ID != "" {
					id = res.ID
				}
			}
			out = append(out, labeling.Result{ID: id, FromName: c.Name, ToName: c.ToName, Type: labeling.TypeChoices, Value: labeling.Value{Choices: vals}})
		}
	}
	var data map[string]any
	json.Unmarshal(t.Data, &data)
	for i := 0; ; i++ {
		field := func(name string) string { return strings.TrimSpace(r.PostFormValue(fmt.Sprintf("r%d.%s", i, name))) }
		name := field("ctl")
		if name == "" {
			break
		}
		c, ok := cfg.Control(name)
		if !ok || !isRegion(c) || field("remove") == "true" {
			continue
		}
		kind := regionKind(cfg, c)
		keys := []string{"start", "end"}
		if kind == "box" {
			keys = []string{"x", "y", "width", "height"}
		}
		nums := map[string]float64{}
		blank := true
		for _, k := range keys {
			s := field(k)
			if s == "" {
				continue
			}
			blank = false
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return nil, problem.Invalid(fmt.Sprintf("region %d: %s must be a number", i+1, k), nil)
			}
			nums[k] = v
		}
		if blank {
			continue // an empty new row
		}
		for _, k := range keys {
			if _, ok := nums[k]; !ok {
				return nil, problem.Invalid(fmt.Sprintf("region %d: give its %s", i+1, strings.Join(keys, ", ")), nil)
			}
		}
		label := field("label")
		id := field("id")
		prev, had := oldByID[c.Name+"\x00"+id]
		if id == "" {
			id = newRegionID()
		}
		res := labeling.Result{ID: id, FromName: c.Name, ToName: c.ToName, Type: c.Type}
		if had {
			res.Extra, res.OriginalWidth, res.OriginalHeight = prev.Extra, prev.OriginalWidth, prev.OriginalHeight
			res.Value.Extra = prev.Value.Extra
		}
		switch kind {
		case "box":
			res.Value.X, res.Value.Y, res.Value.Width, res.Value.Height = nums["x"], nums["y"], nums["width"], nums["height"]
			res.Value.RectangleLabels = []string{label}
			if res.OriginalWidth == 0 {
				for _, o := range old {
					if o.ToName == c.ToName && o.OriginalWidth > 0 {
						res.OriginalWidth, res.OriginalHeight = o.OriginalWidth, o.OriginalHeight
					}
				}
			}
		case "audio":
			st, en := nums["start"], nums["end"]
			res.Value.Start, res.Value.End, res.Value.Labels = &st, &en, []string{label}
		default:
			o, _ := cfg.Object(c.ToName)
			text, _ := data[o.Value].(string)
			u := utf16.Encode([]rune(text))
			st, en := nums["start"], nums["end"]
			if st != float64(int(st)) || en != float64(int(en)) || st < 0 || en > float64(len(u)) || st >= en {
				return nil, problem.Invalid(fmt.Sprintf("region %d: offsets must be whole numbers with 0 ≤ start < end ≤ %d", i+1, len(u)), nil)
			}
			res.Value.Start, res.Value.End, res.Value.Labels = &st, &en, []string{label}
			res.Value.Text = string(utf16.Decode(u[int(st):int(en)]))
		}
		out = append(out, res)
		if tc, ok := regionText(cfg, c.ToName); ok {
			if txt := field("text"); txt != "" {
				out = append(out, labeling.Result{ID: id, FromName: tc.Name, ToName: tc.ToName, Type: labeling.TypeTextArea, Value: labeling.Value{Texts: []string{txt}}})
			}
		}
	}
	raws := make([]json.RawMessage, len(out))
	for i, res := range out {
		b, err := json.Marshal(res)
		if err != nil {
			return nil, err
		}
		raws[i] = b
	}
	return raws, nil
}

// newRegionID is a short random id, as the labeling page makes them.
func newRegionID() string {
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"
	b := make([]byte, 10)
	rand.Read(b)
	for i := range b {
		b[i] = letters[b[i]&63]
	}
	return string(b)
}
