package format

import (
	"fmt"
	"unicode/utf8"
)

// checkColumns checks a header (or Options.Columns): every column named,
// once, in valid UTF-8.
func checkColumns(cols []string) error {
	if len(cols) == 0 {
		return fmt.Errorf("no columns")
	}
	seen := make(map[string]int, len(cols))
	for i, c := range cols {
		if !utf8.ValidString(c) {
			return fmt.Errorf("column %d: name is not valid UTF-8", i+1)
		}
		if c == "" {
			return fmt.Errorf("column %d has no name", i+1)
		}
		if j, ok := seen[c]; ok {
			return fmt.Errorf("columns %d and %d are both named %q", j+1, i+1, c)
		}
		seen[c] = i
	}
	return nil
}

// rowTask makes a task of one row, checking its width and encoding.
func rowTask(cols, fields []string) (Task, string) {
	if len(fields) != len(cols) {
		return Task{}, fmt.Sprintf("%d fields, want %d (%s)", len(fields), len(cols), describeColumns(cols))
	}
	data := make(map[string]any, len(cols))
	for i, f := range fields {
		if !utf8.ValidString(f) {
			return Task{}, fmt.Sprintf("column %q: invalid UTF-8", cols[i])
		}
		data[cols[i]] = f
	}
	return Task{Data: data}, ""
}

func describeColumns(cols []string) string {
	const max = 6
	s := ""
	for i, c := range cols {
		if i == max {
			return s + ", …"
		}
		if i > 0 {
			s += ", "
		}
		s += c
	}
	return s
}
