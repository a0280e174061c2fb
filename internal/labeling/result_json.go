package labeling

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
)

var (
	resultKeys = []string{"id", "from_name", "to_name", "type", "value", "original_width", "original_height"}
	valueKeys  = []string{"start", "end", "x", "y", "width", "height", "rotation", "text", "choices", "labels", "rectanglelabels", "rating", "number"}
)

// MarshalJSON writes the result as Label Studio does, followed by its Extra fields.
func (r Result) MarshalJSON() ([]byte, error) {
	var w objectWriter
	if r.ID != "" {
		w.field("id", r.ID)
	}
	w.field("from_name", r.FromName)
	w.field("to_name", r.ToName)
	w.field("type", r.Type)
	w.field("value", r.Value)
	if r.OriginalWidth != 0 {
		w.field("original_width", r.OriginalWidth)
	}
	if r.OriginalHeight != 0 {
		w.field("original_height", r.OriginalHeight)
	}
	w.extra(r.Extra, resultKeys)
	return w.close()
}

// UnmarshalJSON reads a Label Studio result, keeping unknown fields in Extra.
func (r *Result) UnmarshalJSON(data []byte) error {
	fields, keys, err := objectFields(data)
	if err != nil {
		return err
	}
	*r = Result{}
	for _, k := range keys {
		raw := fields[k]
		switch k {
		case "id":
			r.ID, err = idString(raw)
		case "from_name":
			err = json.Unmarshal(raw, &r.FromName)
		case "to_name":
			err = json.Unmarshal(raw, &r.ToName)
		case "type":
			err = json.Unmarshal(raw, &r.Type)
		case "value":
			err = json.Unmarshal(raw, &r.Value)
		case "original_width":
			r.OriginalWidth, err = wholeNumber(raw)
		case "original_height":
			r.OriginalHeight, err = wholeNumber(raw)
		default:
			r.Extra, err = keepExtra(r.Extra, k, raw)
		}
		if err != nil {
			return fmt.Errorf("result field %q: %w", k, err)
		}
	}
	return nil
}

// MarshalJSON writes the value's set fields under Label Studio's keys, followed by its Extra fields.
func (v Value) MarshalJSON() ([]byte, error) {
	var w objectWriter
	if v.Start != nil {
		w.field("start", *v.Start)
	}
	if v.End != nil {
		w.field("end", *v.End)
	}
	if v.hasGeometry() {
		w.field("x", v.X)
		w.field("y", v.Y)
		w.field("width", v.Width)
		w.field("height", v.Height)
		w.field("rotation", v.Rotation)
	}
	switch {
	case v.Texts != nil:
		w.field("text", v.Texts)
	case v.Text != "":
		w.field("text", v.Text)
	}
	if v.Choices != nil {
		w.field("choices", v.Choices)
	}
	if v.Labels != nil {
		w.field("labels", v.Labels)
	}
	if v.RectangleLabels != nil {
		w.field("rectanglelabels", v.RectangleLabels)
	}
	if v.Rating != 0 {
		w.field("rating", v.Rating)
	}
	if v.Number != nil {
		w.field("number", *v.Number)
	}
	w.extra(v.Extra, valueKeys)
	return w.close()
}

// UnmarshalJSON reads a Label Studio result value, keeping unknown fields in Extra.
func (v *Value) UnmarshalJSON(data []byte) error {
	fields, keys, err := objectFields(data)
	if err != nil {
		return err
	}
	*v = Value{}
	for _, k := range keys {
		raw := fields[k]
		switch k {
		case "start":
			err = json.Unmarshal(raw, &v.Start)
		case "end":
			err = json.Unmarshal(raw, &v.End)
		case "x":
			err = json.Unmarshal(raw, &v.X)
		case "y":
			err = json.Unmarshal(raw, &v.Y)
		case "width":
			err = json.Unmarshal(raw, &v.Width)
		case "height":
			err = json.Unmarshal(raw, &v.Height)
		case "rotation":
			err = json.Unmarshal(raw, &v.Rotation)
		case "text":
			err = v.unmarshalText(raw)
		case "choices":
			err = json.Unmarshal(raw, &v.Choices)
		case "labels":
			err = json.Unmarshal(raw, &v.Labels)
		case "rectanglelabels":
			err = json.Unmarshal(raw, &v.RectangleLabels)
		case "rating":
			v.Rating, err = wholeNumber(raw)
		case "number":
			err = json.Unmarshal(raw, &v.Number)
		default:
			v.Extra, err = keepExtra(v.Extra, k, raw)
		}
		if err != nil {
			return fmt.Errorf("value field %q: %w", k, err)
		}
	}
	return nil
}

// unmarshalText reads "text", a string for spans and a list of strings for textareas.
func (v *Value) unmarshalText(raw json.RawMessage) error {
	switch raw[0] {
	case '"':
		return json.Unmarshal(raw, &v.Text)
	case '[':
		return json.Unmarshal(raw, &v.Texts)
	case 'n':
		return nil
	}
	return errors.New("must be a string or a list of strings")
}

// objectFields splits a JSON object into its fields, returning the keys sorted so that errors are stable.
func objectFields(data []byte) (map[string]json.RawMessage, []string, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return nil, nil, err
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return fields, keys, nil
}

// keepExtra stores an unknown field compacted and HTML-escaped, as json.Marshal would write it.
func keepExtra(extra map[string]json.RawMessage, key string, raw json.RawMessage) (map[string]json.RawMessage, error) {
	norm, err := json.Marshal(raw)
	if err != nil {
		return extra, err
	}
	if extra == nil {
		extra = make(map[string]json.RawMessage)
	}
	extra[key] = norm
	return extra, nil
}

// idString reads a result id, which Label Studio writes as a string but some tools write as a number.
func idString(raw json.RawMessage) (string, error) {
	if c := raw[0]; c == '-' || (c >= '0' && c <= '9') {
		return string(raw), nil
	}
	var s string
	err := json.Unmarshal(raw, &s)
	return s, err
}

// wholeNumber reads an integer that may be written as a float, like 800.0.
func wholeNumber(raw json.RawMessage) (int, error) {
	var f float64
	if err := json.Unmarshal(raw, &f); err != nil {
		return 0, err
	}
	if f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, fmt.Errorf("%s is not a whole number", raw)
	}
	return int(f), nil
}

// objectWriter writes a JSON object field by field, in the order given, remembering the first error.
type objectWriter struct {
	buf bytes.Buffer
	err error
}

func (w *objectWriter) field(key string, v any) {
	if w.err != nil {
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		w.err = fmt.Errorf("field %q: %w", key, err)
		return
	}
	w.raw(key, b)
}

func (w *objectWriter) raw(key string, b []byte) {
	if w.buf.Len() == 0 {
		w.buf.WriteByte('{')
	} else {
		w.buf.WriteByte(',')
	}
	k, _ := json.Marshal(key)
	w.buf.Write(k)
	w.buf.WriteByte(':')
	w.buf.Write(b)
}

// extra writes the extra fields in key order, skipping any that the known fields already wrote.
func (w *objectWriter) extra(extra map[string]json.RawMessage, known []string) {
	keys := make([]string, 0, len(extra))
	for k := range extra {
		if !slices.Contains(known, k) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		w.field(k, extra[k])
	}
}

func (w *objectWriter) close() ([]byte, error) {
	if w.err != nil {
		return nil, w.err
	}
	if w.buf.Len() == 0 {
		return []byte("{}"), nil
	}
	w.buf.WriteByte('}')
	return w.buf.Bytes(), nil
}
