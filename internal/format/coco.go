package format

import (
	"encoding/json"
	"fmt"
	"io"
)

// cocoWriter writes COCO object-detection JSON: boxes in pixels
// ([x, y, width, height] from the top-left corner), category ids the 0-based
// positions in Options.Categories (or order of first sight), image and
// annotation ids counted from 0 in writing order. Annotations stream as they
// come; the images and categories lists follow them at Close, so the writer
// keeps one small entry (file name and size) per image in memory.
type cocoWriter struct {
	sink
	opts    Options
	classes *classes
	images  []cocoImage
	nAnn    int
}

type cocoImage struct {
	ID       int    `json:"id"`
	FileName string `json:"file_name"`
	Width    int    `json:"width"`
	Height   int    `json:"height"`
}

type cocoAnnotation struct {
	ID           int        `json:"id"`
	ImageID      int        `json:"image_id"`
	CategoryID   int        `json:"category_id"`
	BBox         [4]float64 `json:"bbox"`
	Area         float64    `json:"area"`
	IsCrowd      int        `json:"iscrowd"`
	Segmentation []any      `json:"segmentation"`
}

type cocoCategory struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
}

func newCOCOWriter(w io.Writer, opts Options) *cocoWriter {
	c := &cocoWriter{sink: newSink(w), opts: opts, classes: newClasses(opts.Categories)}
	c.bw.WriteString(`{"info":{"description":"Concord export","version":"1.0"},"annotations":[`)
	return c
}

// Write adds the task's image and its boxes.
func (c *cocoWriter) Write(t Task) error {
	if err := c.check(); err != nil {
		return err
	}
	im, err := imageOf(t, c.opts)
	if err != nil {
		return err
	}
	if err := im.needSize(t.ID); err != nil {
		return err
	}
	imageID := len(c.images)
	W, H := float64(im.width), float64(im.height)
	for _, b := range im.boxes {
		for _, label := range b.labels() {
			cat, err := c.classes.id(label)
			if err != nil {
				return fmt.Errorf("task %d: %w", t.ID, err)
			}
			x, y, w, h := pixelBox(b.Value, W, H)
			a := cocoAnnotation{
				ID: c.nAnn, ImageID: imageID, CategoryID: cat,
				BBox: [4]float64{round2(x), round2(y), round2(w), round2(h)},
				Area: round2(w * h), Segmentation: []any{},
			}
			if c.nAnn > 0 {
				c.bw.WriteByte(',')
			}
			c.bw.WriteByte('\n')
			c.nAnn++
			enc, err := json.Marshal(a)
			if err != nil {
				return err
			}
			c.bw.Write(enc)
		}
	}
	c.images = append(c.images, cocoImage{imageID, im.name, im.width, im.height})
	return nil
}

// Close writes the images and categories and ends the object.
func (c *cocoWriter) Close() error {
	if err := c.check(); err != nil {
		return err
	}
	c.bw.WriteString("],\n\"images\":[")
	for i, im := range c.images {
		if i > 0 {
			c.bw.WriteByte(',')
		}
		b, _ := marshalNoEscape(im)
		c.bw.WriteString("\n")
		c.bw.Write(b)
	}
	c.bw.WriteString("],\n\"categories\":[")
	for i, name := range c.classes.names {
		if i > 0 {
			c.bw.WriteByte(',')
		}
		b, _ := marshalNoEscape(cocoCategory{i, name})
		c.bw.WriteString("\n")
		c.bw.Write(b)
	}
	c.bw.WriteString("]}\n")
	return c.close()
}
