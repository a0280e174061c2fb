package labeling

import "encoding/json"

// Result is one item of an annotation's or prediction's result list, in Label Studio's JSON shape.
//
// A region and the per-region controls about it (say a TextArea with
// perRegion="true") are separate results that share an ID.
type Result struct {
	ID             string `json:"id,omitempty"`
	FromName       string `json:"from_name"`
	ToName         string `json:"to_name"`
	Type           string `json:"type"`
	Value          Value  `json:"value"`
	OriginalWidth  int    `json:"original_width,omitempty"`  // image results: the image's width in pixels
	OriginalHeight int    `json:"original_height,omitempty"` // image results: the image's height in pixels

	// Extra keeps the fields this package does not model (origin, score,
	// image_rotation, parentID, ...) as compact JSON, so they survive a round trip.
	Extra map[string]json.RawMessage `json:"-"`
}

// Value is a result's value; which fields are set depends on the result's type.
//
//   - choices: Choices.
//   - labels on a Text: Start and End in UTF-16 code units (whole numbers),
//     Text (the spanned text) and Labels.
//   - labels on an Audio: Start and End in seconds, and Labels.
//   - rectanglelabels: X, Y, Width and Height in percent of the image,
//     Rotation in degrees clockwise about the top-left corner, and RectangleLabels.
//   - textarea: Texts, marshalled under the same "text" key as a span's Text.
//   - rating: Rating.
//   - number: Number.
//
// Geometry (x, y, width, height, rotation) is marshalled when any of it is
// non-zero or RectangleLabels is non-nil; slices are marshalled when non-nil.
type Value struct {
	Start *float64 // span start (UTF-16 code units) or region start (seconds)
	End   *float64 // span end (exclusive, UTF-16 code units) or region end (seconds)

	X, Y, Width, Height, Rotation float64

	Text  string   // a span's text; "text" as a string
	Texts []string // a textarea's texts; "text" as a list

	Choices         []string
	Labels          []string
	RectangleLabels []string
	Rating          int
	Number          *float64 // number: the value of a Number control

	// Extra keeps the fields this package does not model (such as an audio
	// region's channel) as compact JSON, so they survive a round trip.
	Extra map[string]json.RawMessage
}

// hasGeometry reports whether the value carries a box.
func (v *Value) hasGeometry() bool {
	return v.X != 0 || v.Y != 0 || v.Width != 0 || v.Height != 0 || v.Rotation != 0 || v.RectangleLabels != nil
}
