package labeling

import (
	"fmt"
	"strings"
)

// Task is what Validate needs to know about the task a result list is about.
type Task struct {
	Data  map[string]any       // the task's data, keyed as the config's objects name it
	Media map[string]MediaInfo // what is known of the media under each data key; may be partial or nil
}

// MediaInfo is what is known of an image or audio file; zero means unknown.
type MediaInfo struct {
	Width, Height int     // image size in pixels
	Duration      float64 // audio length in seconds
}

// Validate checks a result list against the config and the task, returning nil or ResultErrors.
//
// Each result must come from a control of the config, point at that
// control's object and have its type; its labels or choices must be the
// control's; text spans must lie inside the task's text on UTF-16 boundaries
// (and match it, when the result gives the text); boxes must lie inside the
// image (a rotated box only when the image size is known, from the result's
// original_width/original_height or from task.Media); audio regions must
// start at 0 or later, end after they start and, when the duration is known,
// end by it; ratings must lie in 1..maxRating; a per-region text must carry
// the id of a region on its object. Every required control must have a
// result, and a required per-region control one for each region. Callers
// skip validation for cancelled (skipped) annotations, whose result list is
// empty.
func (c *Config) Validate(results []Result, task Task) error {
	v := &validator{cfg: c, task: task, results: results, regions: make(map[string]int), texts: make(map[string]*utf16Index)}
	for i, r := range results {
		if ctl, ok := c.Control(r.FromName); ok && isRegionType(ctl.Type) && r.ID != "" {
			if _, dup := v.regions[r.ID]; !dup {
				v.regions[r.ID] = i
			}
		}
	}
	seen := make(map[[2]string]bool)
	for i, r := range results {
		msg := v.check(r)
		if key := [2]string{r.FromName, r.ID}; msg == "" && r.ID != "" {
			if seen[key] {
				msg = fmt.Sprintf("id %q is used by another result of the same control", r.ID)
			}
			seen[key] = true
		}
		if msg != "" {
			v.errs = append(v.errs, &ResultError{Index: i, FromName: r.FromName, Msg: msg})
		}
	}
	v.checkRequired()
	if len(v.errs) == 0 {
		return nil
	}
	return v.errs
}

// validator holds what Validate works out once for the whole list.
type validator struct {
	cfg     *Config
	task    Task
	results []Result
	regions map[string]int         // region id to the index of its first result
	texts   map[string]*utf16Index // task texts by data key, indexed on first use
	given   map[[2]string]bool     // (from_name, id) and (from_name, "") of every result, built on first use
	errs    ResultErrors
}

// check returns the first problem of one result, or "".
func (v *validator) check(r Result) string {
	ctl, ok := v.cfg.Control(r.FromName)
	if !ok {
		return fmt.Sprintf("from_name %q names no control (controls: %s)", r.FromName, strings.Join(v.cfg.controlNames(), ", "))
	}
	if r.ToName != ctl.ToName {
		return fmt.Sprintf("to_name %q must be %q, the object control %q labels", r.ToName, ctl.ToName, ctl.Name)
	}
	if r.Type != ctl.Type {
		return fmt.Sprintf("type %q must be %q for <%s name=%q>", r.Type, ctl.Type, controlTag(ctl.Type), ctl.Name)
	}
	obj, _ := v.cfg.Object(ctl.ToName)
	val := r.Value
	switch ctl.Type {
	case TypeChoices:
		return checkChoices(ctl, val.Choices)
	case TypeLabels:
		if msg := checkLabels(ctl, val.Labels, "labels"); msg != "" {
			return msg
		}
		if obj.Type == ObjectAudio {
			return checkRegion(val, v.task.Media[obj.Value].Duration)
		}
		return v.checkSpan(obj, val)
	case TypeRectangleLabels:
		if msg := checkLabels(ctl, val.RectangleLabels, "rectanglelabels"); msg != "" {
			return msg
		}
		w, h := r.OriginalWidth, r.OriginalHeight
		if w <= 0 || h <= 0 {
			m := v.task.Media[obj.Value]
			w, h = m.Width, m.Height
		}
		return checkBox(val, w, h)
	case TypeTextArea:
		return v.checkTextArea(ctl, r)
	case TypeRating:
		if val.Rating < 1 || val.Rating > ctl.MaxRating {
			return fmt.Sprintf("rating %d is outside 1..%d", val.Rating, ctl.MaxRating)
		}
	case TypeNumber:
		switch n := val.Number; {
		case n == nil:
			return `no "number" in the value`
		case ctl.Min != nil && *n < *ctl.Min:
			return fmt.Sprintf("number %v is below the minimum %v", *n, *ctl.Min)
		case ctl.Max != nil && *n > *ctl.Max:
			return fmt.Sprintf("number %v is above the maximum %v", *n, *ctl.Max)
		}
	}
	return ""
}

// checkTextArea checks a textarea's texts and, per region, that its id names a region on the object.
func (v *validator) checkTextArea(ctl Control, r Result) string {
	switch {
	case r.Value.Texts == nil && r.Value.Text != "":
		return `"text" must be a list of strings`
	case len(r.Value.Texts) == 0:
		return "no text"
	case !ctl.PerRegion:
		return ""
	case r.ID == "":
		return "a per-region text needs the id of its region"
	}
	i, ok := v.regions[r.ID]
	if !ok || v.results[i].ToName != ctl.ToName {
		return fmt.Sprintf("id %q names no region on %q", r.ID, ctl.ToName)
	}
	return ""
}

// checkRequired adds a problem for each required control without a result.
func (v *validator) checkRequired() {
	for _, ctl := range v.cfg.Controls {
		if !ctl.Required {
			continue
		}
		if !ctl.PerRegion {
			if !v.has(ctl.Name, "") {
				v.errs = append(v.errs, &ResultError{Index: -1, FromName: ctl.Name, Msg: "required, but no result gives it"})
			}
			continue
		}
		for i, r := range v.results {
			if rc, ok := v.cfg.Control(r.FromName); ok && isRegionType(rc.Type) && r.ToName == ctl.ToName &&
				r.ID != "" && v.regions[r.ID] == i && !v.has(ctl.Name, r.ID) {
				v.errs = append(v.errs, &ResultError{Index: i, FromName: r.FromName,
					Msg: fmt.Sprintf("region %q has no %q result, which is required for every region", r.ID, ctl.Name)})
			}
		}
	}
}

// has reports whether some result comes from the control (and has the id, when id is not "").
func (v *validator) has(control, id string) bool {
	if v.given == nil {
		v.given = make(map[[2]string]bool)
		for _, r := range v.results {
			v.given[[2]string{r.FromName, ""}] = true
			v.given[[2]string{r.FromName, r.ID}] = true
		}
	}
	return v.given[[2]string{control, id}]
}

func (c *Config) controlNames() []string {
	names := make([]string, len(c.Controls))
	for i, ctl := range c.Controls {
		names[i] = ctl.Name
	}
	return names
}
