package labeling

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func FuzzParseConfig(f *testing.F) {
	for _, p := range Presets {
		f.Add(p.Config)
	}
	f.Add(fullConfig)
	f.Add(validateConfig)
	f.Fuzz(func(t *testing.T, src string) {
		c, err := ParseConfig(src)
		if err != nil {
			var ce *ConfigError
			if !errors.As(err, &ce) || ce.Line < 0 || ce.Msg == "" {
				t.Fatalf("error %v (%T) is not a located *ConfigError", err, err)
			}
			return
		}
		if len(c.Objects) == 0 || len(c.Controls) == 0 || len(c.DataKeys()) == 0 {
			t.Fatalf("accepted a config without objects or controls: %+v", c)
		}
		names := map[string]bool{}
		hotkeys := map[string]bool{}
		for _, o := range c.Objects {
			if o.Name == "" || o.Value == "" || names[o.Name] {
				t.Fatalf("bad or repeated object %+v", o)
			}
			names[o.Name] = true
		}
		for _, ctl := range c.Controls {
			if ctl.Name == "" || names[ctl.Name] {
				t.Fatalf("bad or repeated control name %+v", ctl)
			}
			names[ctl.Name] = true
			o, ok := c.Object(ctl.ToName)
			if !ok || !fits(ctl.Type, o.Type) {
				t.Fatalf("control %+v points at %+v", ctl, o)
			}
			hasLabels := ctl.Type == TypeChoices || ctl.Type == TypeLabels || ctl.Type == TypeRectangleLabels
			if hasLabels != (len(ctl.Labels) > 0) {
				t.Fatalf("control %+v has the wrong labels", ctl)
			}
			values := map[string]bool{}
			for _, l := range ctl.Labels {
				if values[l.Value] || (l.Hotkey != "" && hotkeys[strings.ToLower(l.Hotkey)]) {
					t.Fatalf("repeated label or hotkey %+v", l)
				}
				values[l.Value] = true
				if l.Hotkey != "" {
					hotkeys[strings.ToLower(l.Hotkey)] = true
				}
			}
			if ctl.Type == TypeRating && ctl.MaxRating < 1 {
				t.Fatalf("rating %+v has no maximum", ctl)
			}
		}
		_ = c.Validate(nil, Task{})
	})
}

func FuzzResultJSON(f *testing.F) {
	for _, tc := range lsResults {
		f.Add([]byte(tc.json))
	}
	cfg, err := ParseConfig(validateConfig)
	if err != nil {
		f.Fatal(err)
	}
	task := validateTask()
	f.Fuzz(func(t *testing.T, data []byte) {
		var r Result
		if err := json.Unmarshal(data, &r); err != nil {
			return
		}
		out, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("Marshal(%+v): %v", r, err)
		}
		var back Result
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("Unmarshal(%s): %v", out, err)
		}
		if !reflect.DeepEqual(r, back) {
			t.Fatalf("round trip changed the result:\n%+v\n%+v\nvia %s", r, back, out)
		}
		again, err := json.Marshal(back)
		if err != nil || string(again) != string(out) {
			t.Fatalf("second Marshal = %s, %v; want %s", again, err, out)
		}
		// Validation must not panic, whatever the result holds.
		_ = cfg.Validate([]Result{r, r}, task)
		_ = cfg.Validate([]Result{r}, Task{})
	})
}

func FuzzUTF16(f *testing.F) {
	for _, s := range utf16Texts {
		f.Add(s, 0, UTF16Len(s))
		f.Add(s, 1, 3)
	}
	f.Fuzz(func(t *testing.T, s string, start, end int) {
		got, err := UTF16Slice(s, start, end)
		xgot, xerr := newUTF16Index(s).slice(start, end)
		if got != xgot || (err == nil) != (xerr == nil) {
			t.Fatalf("UTF16Slice = %q, %v; index slice = %q, %v", got, err, xgot, xerr)
		}
		if err == nil && UTF16Len(got) != end-start {
			t.Fatalf("UTF16Slice(%q, %d, %d) = %q, of length %d", s, start, end, got, UTF16Len(got))
		}
		if b, err := UTF16ToByteOffset(s, start); err == nil {
			if u := ByteOffsetToUTF16(s, b); u != start {
				t.Fatalf("ByteOffsetToUTF16(UTF16ToByteOffset(%d)) = %d", start, u)
			}
		}
		if u := ByteOffsetToUTF16(s, start); u < 0 || u > UTF16Len(s) {
			t.Fatalf("ByteOffsetToUTF16(%q, %d) = %d, out of range", s, start, u)
		}
	})
}
