package labeling

import (
	"bytes"
	"encoding/json"
	"math"
)

// boxTolerance is how far, in percent of the image, an unrotated box may run
// past an edge and still be taken, pulled back onto the edge: Label Studio's
// frontends send boxes a hair outside (x+width = 100.0001) from float rounding.
const boxTolerance = 0.5

// ClampBoxes pulls each unrotated rectangle result item that runs past the
// image's edges by at most boxTolerance percent back inside, rewriting that
// item in place; items it cannot read are left for Validate to name. A box
// further out is left as it is, and Validate refuses it.
func ClampBoxes(items []json.RawMessage) {
	for i, raw := range items {
		if !bytes.Contains(raw, []byte(`"rectanglelabels"`)) && !bytes.Contains(raw, []byte(`"rectangle"`)) {
			continue
		}
		if out, ok := clampBox(raw); ok {
			items[i] = out
		}
	}
}

// clampBox clamps one result item; ok is false when nothing changed.
func clampBox(raw json.RawMessage) (json.RawMessage, bool) {
	var item map[string]json.RawMessage
	if json.Unmarshal(raw, &item) != nil {
		return nil, false
	}
	var value map[string]any
	dec := json.NewDecoder(bytes.NewReader(item["value"]))
	dec.UseNumber()
	if dec.Decode(&value) != nil {
		return nil, false
	}
	num := func(k string) (float64, bool) {
		n, ok := value[k].(json.Number)
		if !ok {
			return 0, false
		}
		f, err := n.Float64()
		return f, err == nil
	}
	x, okx := num("x")
	y, oky := num("y")
	w, okw := num("width")
	h, okh := num("height")
	rot, _ := num("rotation")
	if !okx || !oky || !okw || !okh || math.Mod(rot, 360) != 0 {
		return nil, false
	}
	nx, nw := clampSpan(x, w)
	ny, nh := clampSpan(y, h)
	if nx == x && nw == w && ny == y && nh == h {
		return nil, false
	}
	value["x"], value["width"], value["y"], value["height"] = nx, nw, ny, nh
	v, err := json.Marshal(value)
	if err != nil {
		return nil, false
	}
	item["value"] = v
	out, err := json.Marshal(item)
	return out, err == nil
}

// clampSpan pulls a span [start, start+size] in percent onto [0, 100] when it
// sticks out by at most boxTolerance at either end; a span further out, or
// empty after clamping, is returned unchanged.
func clampSpan(start, size float64) (float64, float64) {
	s, e := start, start+size
	if s < 0 && s >= -boxTolerance {
		s = 0
	}
	if e > 100 && e <= 100+boxTolerance {
		e = 100
	}
	if e <= s {
		return start, size
	}
	return s, e - s
}
