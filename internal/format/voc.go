package format

import (
	"archive/zip"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strings"
)

// vocWriter writes Pascal VOC as a zip: Annotations/<image stem>.xml per
// image, with integer pixel corners (xmin, ymin, xmax, ymax) rounded from
// the boxes, and JPEGImages/<name> when Options.OpenImage is set. Every image
// needs its size (Options.ImageSize or original_width/original_height).
type vocWriter struct {
	opts    Options
	zw      *zip.Writer
	classes *classes
	names   zipNames
	closed  bool
}

type vocAnnotation struct {
	XMLName  xml.Name    `xml:"annotation"`
	Folder   string      `xml:"folder"`
	Filename string      `xml:"filename"`
	Size     vocSize     `xml:"size"`
	Segment  int         `xml:"segmented"`
	Objects  []vocObject `xml:"object"`
}

type vocSize struct {
	Width  int `xml:"width"`
	Height int `xml:"height"`
	Depth  int `xml:"depth"`
}

type vocObject struct {
	Name      string `xml:"name"`
	Pose      string `xml:"pose"`
	Truncated int    `xml:"truncated"`
	Difficult int    `xml:"difficult"`
	Box       vocBox `xml:"bndbox"`
}

type vocBox struct {
	XMin int `xml:"xmin"`
	YMin int `xml:"ymin"`
	XMax int `xml:"xmax"`
	YMax int `xml:"ymax"`
}

func newVOCWriter(w io.Writer, opts Options) *vocWriter {
	return &vocWriter{opts: opts, zw: zip.NewWriter(w), classes: newClasses(opts.Categories), names: zipNames{}}
}

// Write adds the task's XML file (and image).
func (v *vocWriter) Write(t Task) error {
	if v.closed {
		return errClosed
	}
	im, err := imageOf(t, v.opts)
	if err != nil {
		return err
	}
	if err := im.needSize(t.ID); err != nil {
		return err
	}
	name := v.names.unique("JPEGImages/" + im.name)
	file := strings.TrimPrefix(name, "JPEGImages/")
	a := vocAnnotation{Folder: "JPEGImages", Filename: file, Size: vocSize{im.width, im.height, 3}}
	W, H := float64(im.width), float64(im.height)
	for _, box := range im.boxes {
		x, y, w, h := pixelBox(box.Value, W, H)
		for _, label := range box.labels() {
			if _, err := v.classes.id(label); err != nil {
				return fmt.Errorf("task %d: %w", t.ID, err)
			}
			a.Objects = append(a.Objects, vocObject{
				Name: label, Pose: "Unspecified",
				Box: vocBox{int(math.Round(x)), int(math.Round(y)), int(math.Round(x + w)), int(math.Round(y + h))},
			})
		}
	}
	b, err := xml.MarshalIndent(a, "", "  ")
	if err != nil {
		return fmt.Errorf("task %d: %w", t.ID, err)
	}
	b = append([]byte(xml.Header), append(b, '\n')...)
	if err := zipFile(v.zw, "Annotations/"+stem(file)+".xml", b); err != nil {
		return err
	}
	return zipImage(v.zw, v.opts, t, name)
}

// Close writes the zip's directory.
func (v *vocWriter) Close() error {
	if v.closed {
		return errClosed
	}
	v.closed = true
	return v.zw.Close()
}
