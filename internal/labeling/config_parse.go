package labeling

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// ParseConfig parses a label config and checks it, returning the first problem as a *ConfigError.
func ParseConfig(src string) (*Config, error) {
	p := &parser{
		dec:     xml.NewDecoder(strings.NewReader(src)),
		cfg:     &Config{},
		names:   make(map[string]int),
		hotkeys: make(map[string]int),
		values:  make(map[labelKey]bool),
	}
	if err := p.read(); err != nil {
		return nil, err
	}
	if err := p.cfg.check(); err != nil {
		return nil, err
	}
	return p.cfg, nil
}

// parser reads a config's tokens, keeping the stack of open tags.
type parser struct {
	dec     *xml.Decoder
	cfg     *Config
	stack   []*frame
	roots   int
	names   map[string]int    // object and control names seen, with their line
	hotkeys map[string]int    // hotkeys seen (lower case), with their line
	header  string            // the last Header's text, until a control takes it as its caption
	values  map[labelKey]bool // label values seen, per control
}

// labelKey is a label's value in its control (by index into cfg.Controls).
type labelKey struct {
	control int
	value   string
}

// frame is one open tag.
type frame struct {
	spec    *tagSpec
	tag     string // as written
	line    int
	control int // index into cfg.Controls, or -1
	header  *strings.Builder
	value   bool // a Header whose value attribute was given
}

func (p *parser) read() error {
	for {
		line, _ := p.dec.InputPos()
		tok, err := p.dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return &ConfigError{Line: se.Line, Msg: "malformed XML: " + se.Msg}
			}
			return &ConfigError{Line: line, Msg: "malformed XML: " + err.Error()}
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if err := p.start(t, line); err != nil {
				return err
			}
		case xml.EndElement:
			if err := p.end(); err != nil {
				return err
			}
		case xml.CharData:
			if err := p.text(string(t), line); err != nil {
				return err
			}
		case xml.Directive:
			return &ConfigError{Line: line, Msg: "XML directives (<!...>) are not supported"}
		}
	}
	if p.roots == 0 {
		return &ConfigError{Msg: "empty config: expected a <View> root tag"}
	}
	if len(p.cfg.Objects) == 0 {
		return &ConfigError{Msg: "no object tag: add a <Text>, <Image> or <Audio>"}
	}
	if len(p.cfg.Controls) == 0 {
		return &ConfigError{Msg: "no control tag: add a <Choices>, <Labels>, <RectangleLabels>, <TextArea>, <Rating> or <Number>"}
	}
	return nil
}

func (p *parser) start(t xml.StartElement, line int) error {
	tag := t.Name.Local
	spec := lookupTag(tag)
	if t.Name.Space != "" && spec != nil {
		return &ConfigError{Line: line, Tag: tag, Msg: "XML namespaces are not supported"}
	}
	if spec == nil {
		return &ConfigError{Line: line, Tag: tag, Msg: "unsupported tag (supported: " + strings.Join(supportedTags, ", ") + ")"}
	}
	if len(p.stack) == 0 {
		if spec.name != "View" {
			return &ConfigError{Line: line, Tag: tag, Msg: "the config must start with <View>"}
		}
		if p.roots++; p.roots > 1 {
			return &ConfigError{Line: line, Tag: tag, Msg: "the config must have a single root <View>"}
		}
	} else if parent := p.stack[len(p.stack)-1]; !parent.spec.allows(spec.name) {
		if len(parent.spec.children) == 0 {
			return &ConfigError{Line: line, Tag: tag, Msg: fmt.Sprintf("not allowed inside <%s>, which takes no tags", parent.tag)}
		}
		return &ConfigError{Line: line, Tag: tag, Msg: fmt.Sprintf("not allowed inside <%s> (allowed: %s)", parent.tag, strings.Join(parent.spec.children, ", "))}
	}
	attrs, err := readAttrs(t, spec, line)
	if err != nil {
		return err
	}
	f := &frame{spec: spec, tag: tag, line: line, control: -1}
	p.stack = append(p.stack, f)

	switch {
	case spec.name == "Header":
		f.header = &strings.Builder{}
		if v, ok := attrs["value"]; ok {
			f.value = true
			f.header.WriteString(v)
		}
	case spec.object != "":
		return p.object(f, attrs)
	case spec.control != "":
		return p.control(f, attrs)
	case spec.name == "Choice" || spec.name == "Label":
		return p.label(f, attrs)
	}
	return nil
}

func (p *parser) end() error {
	f := p.stack[len(p.stack)-1]
	p.stack = p.stack[:len(p.stack)-1]
	switch {
	case f.header != nil:
		p.cfg.Headers = append(p.cfg.Headers, strings.TrimSpace(f.header.String()))
		p.header = p.cfg.Headers[len(p.cfg.Headers)-1]
	case f.control >= 0 && len(f.spec.children) > 0 && len(p.cfg.Controls[f.control].Labels) == 0:
		return &ConfigError{Line: f.line, Tag: f.tag, Msg: fmt.Sprintf("needs at least one <%s>", f.spec.children[0])}
	}
	return nil
}

func (p *parser) text(s string, line int) error {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	if len(p.stack) > 0 {
		f := p.stack[len(p.stack)-1]
		if f.header != nil && !f.value {
			f.header.WriteString(s)
			return nil
		}
		return &ConfigError{Line: line, Tag: f.tag, Msg: fmt.Sprintf("unexpected text %q", clip(strings.TrimSpace(s), 40))}
	}
	return &ConfigError{Line: line, Msg: fmt.Sprintf("unexpected text %q outside <View>", clip(strings.TrimSpace(s), 40))}
}

func (p *parser) object(f *frame, attrs map[string]string) error {
	name, err := p.name(f, attrs)
	if err != nil {
		return err
	}
	v, ok := attrs["value"]
	if !ok {
		return &ConfigError{Line: f.line, Tag: f.tag, Msg: `missing attribute "value" (the task data key, like value="$text")`}
	}
	key, found := strings.CutPrefix(v, "$")
	if !found || key == "" || strings.ContainsAny(key, " \t\r\n$") {
		return &ConfigError{Line: f.line, Tag: f.tag, Msg: fmt.Sprintf(`value %q must name a task data key, like "$%s"`, v, strings.ToLower(f.spec.name))}
	}
	p.cfg.Objects = append(p.cfg.Objects, Object{Name: name, Type: f.spec.object, Value: key, Line: f.line})
	return nil
}

func (p *parser) control(f *frame, attrs map[string]string) error {
	name, err := p.name(f, attrs)
	if err != nil {
		return err
	}
	ctl := Control{Name: name, Type: f.spec.control, Line: f.line}
	if ctl.ToName, err = required(f, attrs, "toName"); err != nil {
		return err
	}
	if strings.Contains(ctl.ToName, ",") {
		return &ConfigError{Line: f.line, Tag: f.tag, Msg: fmt.Sprintf("toName %q must name exactly one object", ctl.ToName)}
	}
	if ctl.Required, err = boolAttr(f, attrs, "required"); err != nil {
		return err
	}
	if ctl.PerRegion, err = boolAttr(f, attrs, "perRegion"); err != nil {
		return err
	}
	ctl.Placeholder = attrs["placeholder"]
	if ctl.Type == TypeChoices {
		ctl.Choice = ChoiceSingle
		if v, ok := attrs["choice"]; ok {
			switch v {
			case ChoiceSingle, ChoiceSingleRadio, ChoiceMultiple:
				ctl.Choice = v
			default:
				return &ConfigError{Line: f.line, Tag: f.tag, Msg: fmt.Sprintf(`choice %q must be "single", "single-radio" or "multiple"`, v)}
			}
		}
	}
	if ctl.Type == TypeRating {
		ctl.MaxRating = DefaultMaxRating
		if v, ok := attrs["maxRating"]; ok {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || n < 1 {
				return &ConfigError{Line: f.line, Tag: f.tag, Msg: fmt.Sprintf("maxRating %q must be a positive whole number", v)}
			}
			ctl.MaxRating = n
		}
	}
	if ctl.Type == TypeNumber {
		for _, k := range []string{"min", "max", "step"} {
			v, ok := attrs[k]
			if !ok {
				continue
			}
			n, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil || math.IsInf(n, 0) || math.IsNaN(n) || (k == "step" && n <= 0) {
				return &ConfigError{Line: f.line, Tag: f.tag, Msg: fmt.Sprintf("%s %q must be a finite number%s", k, v, map[bool]string{true: " above 0"}[k == "step"])}
			}
			switch k {
			case "min":
				ctl.Min = &n
			case "max":
				ctl.Max = &n
			}
		}
		if ctl.Min != nil && ctl.Max != nil && *ctl.Min > *ctl.Max {
			return &ConfigError{Line: f.line, Tag: f.tag, Msg: fmt.Sprintf("min %v is above max %v", *ctl.Min, *ctl.Max)}
		}
	}
	f.control = len(p.cfg.Controls)
	ctl.Header, p.header = p.header, ""
	p.cfg.Controls = append(p.cfg.Controls, ctl)
	return nil
}

func (p *parser) label(f *frame, attrs map[string]string) error {
	parent := p.stack[len(p.stack)-2]
	ctl := &p.cfg.Controls[parent.control]
	v, err := required(f, attrs, "value")
	if err != nil {
		return err
	}
	if len(p.values) == MaxLabels {
		return &ConfigError{Line: f.line, Tag: f.tag, Msg: fmt.Sprintf("a label config may hold at most %d <Choice> and <Label> tags; this one has more", MaxLabels)}
	}
	key := labelKey{parent.control, v}
	if p.values[key] {
		return &ConfigError{Line: f.line, Tag: f.tag, Msg: fmt.Sprintf("value %q appears twice in <%s name=%q>", v, parent.tag, ctl.Name)}
	}
	l := Label{Value: v, Hotkey: attrs["hotkey"], Background: attrs["background"]}
	if attr, ok := attrs["hotkey"]; ok && attr == "" {
		return &ConfigError{Line: f.line, Tag: f.tag, Msg: "hotkey is empty"}
	}
	if l.Hotkey != "" {
		k := strings.ToLower(l.Hotkey)
		if first, dup := p.hotkeys[k]; dup {
			return &ConfigError{Line: f.line, Tag: f.tag, Msg: fmt.Sprintf("hotkey %q is already used on line %d", l.Hotkey, first)}
		}
		p.hotkeys[k] = f.line
	}
	p.values[key] = true
	ctl.Labels = append(ctl.Labels, l)
	return nil
}

// name reads an object's or control's name and checks that no other tag has it.
func (p *parser) name(f *frame, attrs map[string]string) (string, error) {
	name, err := required(f, attrs, "name")
	if err != nil {
		return "", err
	}
	if first, dup := p.names[name]; dup {
		return "", &ConfigError{Line: f.line, Tag: f.tag, Msg: fmt.Sprintf("name %q is already used on line %d", name, first)}
	}
	p.names[name] = f.line
	return name, nil
}

// readAttrs returns the tag's attributes keyed by their canonical names, refusing unknown and repeated ones.
func readAttrs(t xml.StartElement, spec *tagSpec, line int) (map[string]string, error) {
	attrs := make(map[string]string, len(t.Attr))
	for _, a := range t.Attr {
		name := spec.canonicalAttr(a.Name.Local)
		if a.Name.Space != "" || name == "" {
			written := a.Name.Local
			if a.Name.Space != "" {
				written = a.Name.Space + ":" + written
			}
			return nil, &ConfigError{Line: line, Tag: t.Name.Local, Msg: fmt.Sprintf("unsupported attribute %q (supported: %s)", written, strings.Join(spec.attrs, ", "))}
		}
		if _, dup := attrs[name]; dup {
			return nil, &ConfigError{Line: line, Tag: t.Name.Local, Msg: fmt.Sprintf("attribute %q given twice", name)}
		}
		attrs[name] = a.Value
	}
	return attrs, nil
}

// required returns a non-empty attribute or an error naming it.
func required(f *frame, attrs map[string]string, name string) (string, error) {
	v, ok := attrs[name]
	if !ok {
		return "", &ConfigError{Line: f.line, Tag: f.tag, Msg: fmt.Sprintf("missing attribute %q", name)}
	}
	if strings.TrimSpace(v) == "" {
		return "", &ConfigError{Line: f.line, Tag: f.tag, Msg: fmt.Sprintf("attribute %q is empty", name)}
	}
	return v, nil
}

// boolAttr reads an optional "true" or "false" attribute.
func boolAttr(f *frame, attrs map[string]string, name string) (bool, error) {
	v, ok := attrs[name]
	switch {
	case !ok:
		return false, nil
	case strings.EqualFold(v, "true"):
		return true, nil
	case strings.EqualFold(v, "false"):
		return false, nil
	}
	return false, &ConfigError{Line: f.line, Tag: f.tag, Msg: fmt.Sprintf(`%s %q must be "true" or "false"`, name, v)}
}

// clip shortens s to at most n runes for an error message.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
