package labeling

import (
	"reflect"
	"testing"
)

func TestPresets(t *testing.T) {
	want := map[string]struct {
		dataKeys []string
		controls []string // type:toName object type, in order
	}{
		"sentiment":       {[]string{"text"}, []string{"choices:text"}},
		"topic":           {[]string{"text"}, []string{"choices:text"}},
		"ner":             {[]string{"text"}, []string{"labels:text"}},
		"image-classes":   {[]string{"image"}, []string{"choices:image"}},
		"object-boxes":    {[]string{"image"}, []string{"rectanglelabels:image"}},
		"audio-classes":   {[]string{"audio"}, []string{"choices:audio"}},
		"speech-segments": {[]string{"audio"}, []string{"labels:audio", "textarea:audio"}},
	}
	if len(Presets) != len(want) {
		t.Errorf("%d presets, want %d", len(Presets), len(want))
	}
	seen := map[string]bool{}
	for _, p := range Presets {
		t.Run(p.Name, func(t *testing.T) {
			if seen[p.Name] {
				t.Fatalf("preset name %q twice", p.Name)
			}
			seen[p.Name] = true
			if p.Title == "" {
				t.Error("no title")
			}
			c, err := ParseConfig(p.Config)
			if err != nil {
				t.Fatal(err)
			}
			w, ok := want[p.Name]
			if !ok {
				t.Fatalf("unexpected preset %q", p.Name)
			}
			if got := c.DataKeys(); !reflect.DeepEqual(got, w.dataKeys) {
				t.Errorf("DataKeys() = %q, want %q", got, w.dataKeys)
			}
			var controls []string
			for _, ctl := range c.Controls {
				o, _ := c.Object(ctl.ToName)
				controls = append(controls, ctl.Type+":"+string(o.Type))
			}
			if !reflect.DeepEqual(controls, w.controls) {
				t.Errorf("controls = %q, want %q", controls, w.controls)
			}
			if got, ok := PresetByName(p.Name); !ok || got != p {
				t.Errorf("PresetByName(%q) = %v, %v", p.Name, got.Name, ok)
			}
		})
	}
	if _, ok := PresetByName("nope"); ok {
		t.Error("PresetByName(nope) found a preset")
	}
}

func TestPresetDetails(t *testing.T) {
	cfg := func(name string) *Config {
		p, _ := PresetByName(name)
		c, err := ParseConfig(p.Config)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	// The NER labels are CoNLL-2003's entity types, so CoNLL files import as they are.
	if got, want := cfg("ner").Controls[0].Values(), []string{"PER", "ORG", "LOC", "MISC"}; !reflect.DeepEqual(got, want) {
		t.Errorf("ner labels = %q, want %q", got, want)
	}
	if got, want := cfg("sentiment").Controls[0].Values(), []string{"Positive", "Negative", "Neutral"}; !reflect.DeepEqual(got, want) {
		t.Errorf("sentiment choices = %q, want %q", got, want)
	}
	if cfg("sentiment").Controls[0].Multiple() {
		t.Error("sentiment takes several choices")
	}
	if !cfg("topic").Controls[0].Multiple() {
		t.Error("topic takes one choice")
	}
	if tr := cfg("speech-segments").Controls[1]; !tr.PerRegion {
		t.Error("speech-segments transcription is not per region")
	}
}
