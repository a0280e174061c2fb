package labeling

import (
	"encoding/json"
	"math"
	"testing"
)

func TestClampBoxes(t *testing.T) {
	box := func(x, y, w, h, rot float64) json.RawMessage {
		b, _ := json.Marshal(map[string]any{"id": "r1", "from_name": "label", "to_name": "image", "type": "rectanglelabels",
			"value": map[string]any{"x": x, "y": y, "width": w, "height": h, "rotation": rot, "rectanglelabels": []string{"Car"}}})
		return b
	}
	cfg, err := ParseConfig(`<View><Image name="image" value="$image"/><RectangleLabels name="label" toName="image"><Label value="Car"/></RectangleLabels></View>`)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name       string
		in         json.RawMessage
		x, y, w, h float64
		valid      bool
	}{
		{"inside: unchanged", box(10, 20, 30, 40, 0), 10, 20, 30, 40, true},
		{"rounding past the right edge", box(60, 0, 40.0001, 10, 0), 60, 0, 40, 10, true},
		{"a little past the bottom", box(0, 95, 10, 5.3, 0), 0, 95, 10, 5, true},
		{"a little before the left edge", box(-0.2, 5, 10, 10, 0), 0, 5, 9.8, 10, true},
		{"clearly past the right edge: left for Validate", box(60, 0, 41, 10, 0), 60, 0, 41, 10, false},
		{"rotated: left for Validate", box(60, 0, 40.0001, 10, 30), 60, 0, 40.0001, 10, true},
	} {
		items := []json.RawMessage{c.in}
		ClampBoxes(items)
		var r Result
		if err := json.Unmarshal(items[0], &r); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		v := r.Value
		const eps = 1e-9
		if math.Abs(v.X-c.x) > eps || math.Abs(v.Y-c.y) > eps || math.Abs(v.Width-c.w) > eps || math.Abs(v.Height-c.h) > eps {
			t.Errorf("%s: box (%v, %v, %v, %v), want (%v, %v, %v, %v)", c.name, v.X, v.Y, v.Width, v.Height, c.x, c.y, c.w, c.h)
		}
		if r.ID != "r1" || len(v.RectangleLabels) != 1 {
			t.Errorf("%s: the item lost its id or labels: %s", c.name, items[0])
		}
		err := cfg.Validate([]Result{r}, Task{Data: map[string]any{"image": "/x.png"}})
		if (err == nil) != c.valid {
			t.Errorf("%s: Validate says %v, want valid %v", c.name, err, c.valid)
		}
	}
}
