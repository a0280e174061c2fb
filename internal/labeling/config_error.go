package labeling

import "fmt"

// ConfigError is a problem in a label config, located at a line and a tag.
type ConfigError struct {
	Line int    // 1-based line of the tag, or 0 when the problem has no place
	Tag  string // the tag as written, or "" when the problem is not about one tag
	Msg  string
}

// Error formats the problem as "line 3: <Foo>: message".
func (e *ConfigError) Error() string {
	s := ""
	if e.Line > 0 {
		s = fmt.Sprintf("line %d: ", e.Line)
	}
	if e.Tag != "" {
		s += "<" + e.Tag + ">: "
	}
	return s + e.Msg
}
