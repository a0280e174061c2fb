package format

import (
	"archive/zip"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// yoloWriter writes a YOLO dataset as a zip: classes.txt (one name per line,
// the line number being the class id), labels/<image stem>.txt with one
// "class x_center y_center width height" line per box (fractions of the
// image), and images/<name> when Options.OpenImage is set. Rotated boxes are
// exported as the box around them, which needs the image size.
type yoloWriter struct {
	opts    Options
	zw      *zip.Writer
	classes *classes
	names   zipNames
	closed  bool
}

func newYOLOWriter(w io.Writer, opts Options) *yoloWriter {
	return &yoloWriter{opts: opts, zw: zip.NewWriter(w), classes: newClasses(opts.Categories), names: zipNames{}}
}

// Write adds the task's label file (and image).
func (y *yoloWriter) Write(t Task) error {
	if y.closed {
		return errClosed
	}
	im, err := imageOf(t, y.opts)
	if err != nil {
		return err
	}
	var b strings.Builder
	for _, box := range im.boxes {
		cx, cy, w, h := box.Value.X+box.Value.Width/2, box.Value.Y+box.Value.Height/2, box.Value.Width, box.Value.Height
		if box.Value.Rotation != 0 {
			if err := im.needSize(t.ID); err != nil {
				return fmt.Errorf("%w (a rotated box needs it)", err)
			}
			W, H := float64(im.width), float64(im.height)
			px, py, pw, ph := pixelBox(box.Value, W, H)
			cx, cy, w, h = (px+pw/2)*100/W, (py+ph/2)*100/H, pw*100/W, ph*100/H
		}
		for _, label := range box.labels() {
			id, err := y.classes.id(label)
			if err != nil {
				return fmt.Errorf("task %d: %w", t.ID, err)
			}
			fmt.Fprintf(&b, "%d %s %s %s %s\n", id, frac(cx), frac(cy), frac(w), frac(h))
		}
	}
	name := y.names.unique("images/" + im.name)
	if err := zipFile(y.zw, "labels/"+stem(strings.TrimPrefix(name, "images/"))+".txt", []byte(b.String())); err != nil {
		return err
	}
	return zipImage(y.zw, y.opts, t, name)
}

// frac formats a percentage as a fraction with six decimals, clamped to [0, 1].
func frac(pct float64) string {
	return strconv.FormatFloat(clamp(pct/100, 0, 1), 'f', 6, 64)
}

// Close writes classes.txt and the zip's directory.
func (y *yoloWriter) Close() error {
	if y.closed {
		return errClosed
	}
	y.closed = true
	var b strings.Builder
	for _, n := range y.classes.names {
		b.WriteString(n)
		b.WriteByte('\n')
	}
	if err := zipFile(y.zw, "classes.txt", []byte(b.String())); err != nil {
		return err
	}
	return y.zw.Close()
}
