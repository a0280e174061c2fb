package format

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// decodeTask turns one JSON object into a task: an object whose "data" key
// holds an object is a full task; any other object is the task's data.
// A syntax error in raw, or anything after the object, is an error too.
func decodeTask(raw []byte) (Task, error) {
	if !utf8.Valid(raw) {
		return Task{}, errors.New("invalid UTF-8")
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			return Task{}, err
		}
		return Task{}, fmt.Errorf("a task must be a JSON object, not %s", jsonKind(raw))
	}
	// Only objects that may have a top-level "data" key pay for a second decode.
	if bytes.Contains(raw, []byte(`"data"`)) || bytes.Contains(raw, []byte(`\u`)) {
		var top map[string]json.RawMessage
		if err := json.Unmarshal(raw, &top); err != nil {
			return Task{}, jsonMsg(err)
		}
		if d := bytes.TrimSpace(top["data"]); len(d) > 0 && d[0] == '{' {
			return decodeFullTask(top)
		}
	}
	data, err := decodeData(raw)
	if err != nil {
		return Task{}, err
	}
	return Task{Data: data}, nil
}

func decodeFullTask(top map[string]json.RawMessage) (Task, error) {
	var t Task
	data, err := decodeData(top["data"])
	if err != nil {
		return Task{}, fmt.Errorf("data: %w", err)
	}
	t.Data = data
	if id, ok := top["id"]; ok && string(id) != "null" {
		var n json.Number
		if err := json.Unmarshal(id, &n); err != nil {
			return Task{}, fmt.Errorf("id: must be an integer, not %s", jsonKind(id))
		}
		if t.ID, err = strconv.ParseInt(n.String(), 10, 64); err != nil {
			return Task{}, fmt.Errorf("id: %s is not an integer", n)
		}
	}
	if a, ok := top["annotations"]; ok && string(a) != "null" {
		if err := json.Unmarshal(a, &t.Annotations); err != nil {
			return Task{}, fmt.Errorf("annotations: %w", jsonMsg(err))
		}
		for i, an := range t.Annotations {
			if err := checkResults(an.Result); err != nil {
				return Task{}, fmt.Errorf("annotations[%d]: %w", i, err)
			}
		}
	}
	if p, ok := top["predictions"]; ok && string(p) != "null" {
		if err := json.Unmarshal(p, &t.Predictions); err != nil {
			return Task{}, fmt.Errorf("predictions: %w", jsonMsg(err))
		}
		for i, pr := range t.Predictions {
			if err := checkResults(pr.Result); err != nil {
				return Task{}, fmt.Errorf("predictions[%d]: %w", i, err)
			}
		}
	}
	return t, nil
}

// checkResults checks that every result item is an object; the labeling
// package validates them further against a config.
func checkResults(rs []json.RawMessage) error {
	for i, r := range rs {
		if r = bytes.TrimSpace(r); len(r) == 0 || r[0] != '{' {
			return fmt.Errorf("result[%d] must be an object, not %s", i, jsonKind(r))
		}
	}
	return nil
}

// decodeData decodes a JSON object keeping numbers as json.Number.
func decodeData(raw []byte) (map[string]any, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			err = errors.New("unexpected end of JSON input")
		}
		return nil, jsonMsg(err)
	}
	if rest := bytes.TrimLeft(raw[d.InputOffset():], " \t\r\n"); len(rest) > 0 {
		return nil, fmt.Errorf("invalid character %s after top-level value", quoteChar(rest[0]))
	}
	if m == nil {
		m = map[string]any{}
	}
	return m, nil
}

// jsonKind names the kind of JSON value raw starts with.
func jsonKind(raw []byte) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// jsonMsg shortens encoding/json's messages to the part a user can act on.
func jsonMsg(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field != "" {
			return fmt.Errorf("%s: must be %s, not a JSON %s", te.Field, goTypeName(te.Type.String()), te.Value)
		}
		return fmt.Errorf("must be %s, not a JSON %s", goTypeName(te.Type.String()), te.Value)
	}
	return err
}

func goTypeName(t string) string {
	switch {
	case t == "string":
		return "a string"
	case t == "bool":
		return "a boolean"
	case t == "int64" || t == "float64" || t == "*float64":
		return "a number"
	case len(t) > 2 && t[:2] == "[]":
		return "an array"
	case len(t) > 3 && t[:3] == "map", len(t) > 6 && t[:6] == "format", t == "time.Time", t == "*time.Time":
		return "an object"
	}
	return t
}

// quoteChar quotes a byte the way encoding/json's syntax errors do.
func quoteChar(c byte) string {
	if c == '\'' {
		return `'\''`
	}
	if c == '"' {
		return `'"'`
	}
	s := strconv.Quote(string(rune(c)))
	return "'" + s[1:len(s)-1] + "'"
}
