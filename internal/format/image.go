package format

import (
	"archive/zip"
	"fmt"
	"math"
	"path"
	"strconv"
	"strings"
)

// imageTask is what the image writers need of a task.
type imageTask struct {
	name          string // file name of the image
	width, height int    // pixels; 0 when unknown
	boxes         []resultItem
}

// imageOf collects a task's image name, size and rectangles (from the first
// annotation that was not cancelled).
func imageOf(t Task, opts Options) (imageTask, error) {
	var im imageTask
	src, _ := t.Data[opts.imageKey()].(string)
	im.name = fileBase(src)
	if im.name == "" || im.name == "." {
		im.name = "task-" + strconv.FormatInt(t.ID, 10) + ".jpg"
	}
	if a := chosenAnnotation(t); a != nil {
		items, err := parseResults(a.Result)
		if err != nil {
			return im, fmt.Errorf("task %d: %w", t.ID, err)
		}
		for _, it := range items {
			if it.Type == "rectanglelabels" {
				im.boxes = append(im.boxes, it)
				if im.width == 0 && it.OriginalWidth > 0 && it.OriginalHeight > 0 {
					im.width, im.height = int(it.OriginalWidth), int(it.OriginalHeight)
				}
			}
		}
	}
	if opts.ImageSize != nil {
		if w, h, ok := opts.ImageSize(t); ok && w > 0 && h > 0 {
			im.width, im.height = w, h
		}
	}
	return im, nil
}

func (im imageTask) needSize(id int64) error {
	if im.width <= 0 || im.height <= 0 {
		return fmt.Errorf("task %d: size of image %q unknown: set Options.ImageSize or give the results original_width and original_height", id, im.name)
	}
	return nil
}

// pixelBox returns a rectangle's axis-aligned bounding box in pixels,
// clamped to the image. Label Studio rotates a rectangle about its top-left
// corner; a rotated one is exported as the box around it.
func pixelBox(v resultValue, W, H float64) (x, y, w, h float64) {
	x0, y0 := v.X*W/100, v.Y*H/100
	bw, bh := v.Width*W/100, v.Height*H/100
	x1, y1, x2, y2 := x0, y0, x0+bw, y0+bh
	if v.Rotation != 0 {
		sin, cos := math.Sincos(v.Rotation * math.Pi / 180)
		x1, y1, x2, y2 = math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
		for _, c := range [4][2]float64{{0, 0}, {bw, 0}, {bw, bh}, {0, bh}} {
			px, py := x0+c[0]*cos-c[1]*sin, y0+c[0]*sin+c[1]*cos
			x1, y1, x2, y2 = min(x1, px), min(y1, py), max(x2, px), max(y2, py)
		}
	}
	x1, x2 = clamp(x1, 0, W), clamp(x2, 0, W)
	y1, y2 = clamp(y1, 0, H), clamp(y2, 0, H)
	return x1, y1, x2 - x1, y2 - y1
}

func clamp(v, lo, hi float64) float64 { return math.Min(math.Max(v, lo), hi) }

// round2 rounds to hundredths, to keep float noise out of exports.
func round2(v float64) float64 { return math.Round(v*100) / 100 }

// classes numbers class names: fixed from Options.Categories, or in order of first sight.
type classes struct {
	fixed bool
	ids   map[string]int
	names []string
}

func newClasses(names []string) *classes {
	c := &classes{fixed: len(names) > 0, ids: map[string]int{}}
	for _, n := range names {
		if _, ok := c.ids[n]; !ok {
			c.ids[n] = len(c.names)
			c.names = append(c.names, n)
		}
	}
	return c
}

func (c *classes) id(name string) (int, error) {
	if id, ok := c.ids[name]; ok {
		return id, nil
	}
	if c.fixed {
		return 0, fmt.Errorf("label %q is not in Options.Categories", name)
	}
	c.ids[name] = len(c.names)
	c.names = append(c.names, name)
	return c.ids[name], nil
}

// zipNames hands out unique member names, prefixing repeats with a counter.
type zipNames map[string]bool

func (z zipNames) unique(name string) string {
	name = strings.TrimLeft(path.Clean("/"+strings.ReplaceAll(name, `\`, "/")), "/")
	if !z[name] {
		z[name] = true
		return name
	}
	dir, file := path.Split(name)
	for i := 2; ; i++ {
		n := dir + strconv.Itoa(i) + "_" + file
		if !z[n] {
			z[n] = true
			return n
		}
	}
}

// zipFile writes one member of a zip.
func zipFile(zw *zip.Writer, name string, b []byte) error {
	f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	return err
}

// zipImage adds the task's image to the zip as name when Options.OpenImage
// gives its bytes (nil bytes: the image is not stored here, and is left out).
// Images are already compressed: they are stored, not deflated again.
func zipImage(zw *zip.Writer, opts Options, t Task, name string) error {
	if opts.OpenImage == nil {
		return nil
	}
	img, err := opts.OpenImage(t)
	if err != nil {
		return fmt.Errorf("task %d: image: %w", t.ID, err)
	}
	if img == nil {
		return nil
	}
	f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
	if err != nil {
		return err
	}
	_, err = f.Write(img)
	return err
}

// stem returns a file name without its extension.
func stem(name string) string { return strings.TrimSuffix(name, path.Ext(name)) }
