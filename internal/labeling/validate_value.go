package labeling

import (
	"fmt"
	"math"
	"strings"
)

const (
	// boxSlack is how far, in percent of the image, a box may stick out, for rounding.
	boxSlack = 1e-4
	// durationSlack is how far, in seconds, a region may run past the known
	// duration: decoders disagree on an MP3's length by an encoder delay or so.
	durationSlack = 0.05
)

// checkChoices checks a choices value against its control.
func checkChoices(ctl Control, choices []string) string {
	if msg := checkLabels(ctl, choices, "choices"); msg != "" {
		return msg
	}
	if len(choices) > 1 && !ctl.Multiple() {
		return fmt.Sprintf("%d choices given, but %q takes one", len(choices), ctl.Name)
	}
	return ""
}

// checkLabels checks that values is a non-empty list of the control's labels without repeats.
func checkLabels(ctl Control, values []string, key string) string {
	if len(values) == 0 {
		return fmt.Sprintf("%q is empty", key)
	}
	for i, s := range values {
		if _, ok := ctl.Label(s); !ok {
			return fmt.Sprintf("unknown %s %q (%s: %s)", singular(key), s, key, strings.Join(ctl.Values(), ", "))
		}
		for _, t := range values[:i] {
			if s == t {
				return fmt.Sprintf("%s %q is given twice", singular(key), s)
			}
		}
	}
	return ""
}

func singular(key string) string {
	if key == "choices" {
		return "choice"
	}
	return "label"
}

// checkSpan checks a text span: whole UTF-16 offsets inside the task's text, matching its text when given.
func (v *validator) checkSpan(obj Object, val Value) string {
	if val.Start == nil || val.End == nil {
		return "a text span needs start and end"
	}
	start, end := *val.Start, *val.End
	for _, f := range []float64{start, end} {
		if f != math.Trunc(f) || math.IsInf(f, 0) {
			return fmt.Sprintf("offset %v must be a whole number of UTF-16 code units", f)
		}
	}
	if start >= end {
		return fmt.Sprintf("start %v must be before end %v", start, end)
	}
	x, ok := v.text(obj.Value)
	switch {
	case !ok:
		return fmt.Sprintf("the task has no text under data key %q", obj.Value)
	case start < 0:
		return fmt.Sprintf("start %v is negative", start)
	case end > float64(x.len()):
		return fmt.Sprintf("end %v is past the end of the text (length %d)", end, x.len())
	}
	got, err := x.slice(int(start), int(end))
	if err != nil {
		return fmt.Sprintf("span [%v, %v): %v", start, end, err)
	}
	if val.Text != "" && val.Text != got {
		return fmt.Sprintf("text %q does not match the task's text %q at [%v, %v)", clip(val.Text, 40), clip(got, 40), start, end)
	}
	return ""
}

// text returns the indexed task text under a data key.
func (v *validator) text(key string) (*utf16Index, bool) {
	if x, ok := v.texts[key]; ok {
		return x, true
	}
	s, ok := v.task.Data[key].(string)
	if !ok {
		return nil, false
	}
	x := newUTF16Index(s)
	v.texts[key] = x
	return x, true
}

// checkRegion checks an audio region in seconds against the duration, when it is known (> 0).
func checkRegion(val Value, duration float64) string {
	if val.Start == nil || val.End == nil {
		return "an audio region needs start and end"
	}
	start, end := *val.Start, *val.End
	switch {
	case !finite(start, end):
		return "start and end must be finite numbers"
	case start < 0:
		return fmt.Sprintf("start %v s is negative", start)
	case start >= end:
		return fmt.Sprintf("start %v s must be before end %v s", start, end)
	case duration > 0 && end > duration+durationSlack:
		return fmt.Sprintf("end %v s is past the end of the audio (%v s)", end, duration)
	}
	return ""
}

// checkBox checks that a box in percent lies inside the image; a rotated one only when the image's size in pixels is known.
func checkBox(val Value, width, height int) string {
	x, y, w, h, rot := val.X, val.Y, val.Width, val.Height, val.Rotation
	switch {
	case !finite(x, y, w, h, rot):
		return "x, y, width, height and rotation must be finite numbers"
	case w <= 0 || h <= 0:
		return fmt.Sprintf("width %v and height %v must be positive", w, h)
	case x < -boxSlack || y < -boxSlack || x > 100+boxSlack || y > 100+boxSlack:
		return fmt.Sprintf("corner (%v, %v) is outside the image (0-100 %%)", x, y)
	}
	if math.Mod(rot, 360) == 0 {
		if x+w > 100+boxSlack || y+h > 100+boxSlack {
			return fmt.Sprintf("box (x %v, y %v, width %v, height %v) runs past the image (x+width and y+height must be at most 100 %%)", x, y, w, h)
		}
		return ""
	}
	if width <= 0 || height <= 0 {
		return ""
	}
	// Rotate the corners clockwise (y points down) about the top-left corner, in pixels.
	sin, cos := math.Sincos(rot * math.Pi / 180)
	px, py := x*float64(width)/100, y*float64(height)/100
	pw, ph := w*float64(width)/100, h*float64(height)/100
	sx, sy := boxSlack*float64(width)/100, boxSlack*float64(height)/100
	for _, c := range [][2]float64{{pw, 0}, {0, ph}, {pw, ph}} {
		cx := px + c[0]*cos - c[1]*sin
		cy := py + c[0]*sin + c[1]*cos
		if cx < -sx || cy < -sy || cx > float64(width)+sx || cy > float64(height)+sy {
			return fmt.Sprintf("box rotated by %v° runs past the image (%dx%d pixels)", rot, width, height)
		}
	}
	return ""
}

func finite(fs ...float64) bool {
	for _, f := range fs {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return false
		}
	}
	return true
}
