package labeling

import (
	"fmt"
	"strings"
)

// check verifies what needs the whole config: that every control points at
// an existing object it fits.
func (c *Config) check() error {
	for _, ctl := range c.Controls {
		tag := controlTag(ctl.Type)
		obj, ok := c.Object(ctl.ToName)
		if !ok {
			return &ConfigError{Line: ctl.Line, Tag: tag, Msg: fmt.Sprintf("toName %q names no object (objects: %s)", ctl.ToName, strings.Join(c.objectNames(), ", "))}
		}
		if !fits(ctl.Type, obj.Type) {
			return &ConfigError{Line: ctl.Line, Tag: tag, Msg: fmt.Sprintf("cannot label %s object %q (%s)", objectTag(obj.Type), obj.Name, fitsHint(ctl.Type))}
		}
		if ctl.PerRegion && !c.hasRegions(obj.Name) {
			return &ConfigError{Line: ctl.Line, Tag: tag, Msg: fmt.Sprintf("perRegion needs a <Labels> or <RectangleLabels> on %q", obj.Name)}
		}
	}
	return nil
}

// hasRegions reports whether some control draws regions on the object.
func (c *Config) hasRegions(object string) bool {
	for _, ctl := range c.Controls {
		if ctl.ToName == object && isRegionType(ctl.Type) {
			return true
		}
	}
	return false
}

func (c *Config) objectNames() []string {
	names := make([]string, len(c.Objects))
	for i, o := range c.Objects {
		names[i] = o.Name
	}
	return names
}

// isRegionType reports whether results of this type are regions that per-region controls attach to.
func isRegionType(typ string) bool {
	return typ == TypeLabels || typ == TypeRectangleLabels
}

func fitsHint(control string) string {
	if control == TypeRectangleLabels {
		return "<RectangleLabels> needs an <Image>"
	}
	return "<Labels> needs a <Text> or an <Audio>"
}

// controlTag returns the tag that makes a control of the given type.
func controlTag(typ string) string {
	for _, s := range tagSpecs {
		if s.control == typ {
			return s.name
		}
	}
	return typ
}

// objectTag returns the tag that makes an object of the given type, as <Tag>.
func objectTag(typ ObjectType) string {
	for _, s := range tagSpecs {
		if s.object == typ {
			return "<" + s.name + ">"
		}
	}
	return string(typ)
}
