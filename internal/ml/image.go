package ml

import (
	"fmt"
	"image"
	"image/color"
	"math"
)

// ImageExample is one decoded image with its class label.
type ImageExample struct {
	Image image.Image
	Label string
}

// ImageOptions configures TrainImage; zero values select the defaults.
type ImageOptions struct {
	// C is the inverse L2 regularisation strength (default 1).
	C float64
	// MaxIter bounds the L-BFGS iterations (default 100).
	MaxIter int
}

// ImageModel classifies images from gradient-orientation and colour
// features with multinomial logistic regression.
type ImageModel struct {
	m *denseModel
}

// TrainImage fits an image classifier; training is deterministic.
func TrainImage(examples []ImageExample, opts ImageOptions) (*ImageModel, error) {
	if opts.C <= 0 {
		opts.C = 1
	}
	if opts.MaxIter <= 0 {
		opts.MaxIter = 100
	}
	feats := make([][]float64, len(examples))
	labels := make([]string, len(examples))
	for i, ex := range examples {
		if ex.Image == nil || ex.Image.Bounds().Empty() {
			return nil, fmt.Errorf("ml: image example %d is empty", i)
		}
		labels[i] = ex.Label
	}
	parallel(len(examples), func(i int) { feats[i] = ImageFeatures(examples[i].Image) })
	m, err := trainDense(feats, labels, opts.C, opts.MaxIter)
	if err != nil {
		return nil, err
	}
	return &ImageModel{m}, nil
}

// Labels returns the model's labels in sorted order.
func (m *ImageModel) Labels() []string { return append([]string(nil), m.m.Labels...) }

// Predict returns every label with its probability, most likely first.
func (m *ImageModel) Predict(img image.Image) []Scored {
	return m.m.predict(ImageFeatures(img))
}

// imageFeatureLen is the length of ImageFeatures' vectors.
const imageFeatureLen = 4*4*36 + 3*3*36 + 64 + 16 + 3*8

// imageGrid is the side of the square grid images are resampled to.
const imageGrid = 32

// ImageFeatures describes an image as a fixed-length vector: the image is
// fitted into a 32×32 grid (aspect kept, padded with the mean border colour),
// then described by histograms of oriented gradients (9 orientations,
// L2-normalised 2×2-cell blocks) with 4-pixel cells in non-overlapping
// blocks and 8-pixel cells in overlapping blocks, an 8×8 grey thumbnail, a
// 16-bin grey histogram and 8-bin histograms of R, G and B (1,004 values).
func ImageFeatures(img image.Image) []float64 {
	rgb := resample(img, imageGrid)
	const n = imageGrid * imageGrid
	gray := make([]float64, n)
	for i := 0; i < n; i++ {
		gray[i] = 0.299*rgb[3*i] + 0.587*rgb[3*i+1] + 0.114*rgb[3*i+2]
	}
	var f []float64
	f = append(f, hog(gray, imageGrid, 4, 2)...)
	f = append(f, hog(gray, imageGrid, 8, 1)...)
	// 8×8 thumbnail.
	const t = imageGrid / 8
	for by := 0; by < 8; by++ {
		for bx := 0; bx < 8; bx++ {
			var s float64
			for y := by * t; y < (by+1)*t; y++ {
				for x := bx * t; x < (bx+1)*t; x++ {
					s += gray[y*imageGrid+x]
				}
			}
			f = append(f, s/(t*t))
		}
	}
	f = append(f, histogram(gray, 1, 0, 16)...)
	for c := 0; c < 3; c++ {
		f = append(f, histogram(rgb, 3, c, 8)...)
	}
	return f
}

// histogram returns the normalised histogram, over bins equal-width bins of
// [0, 1], of every stride-th value of v starting at offset.
func histogram(v []float64, stride, offset, bins int) []float64 {
	h := make([]float64, bins)
	n := 0
	for i := offset; i < len(v); i += stride {
		b := min(int(v[i]*float64(bins)), bins-1)
		h[max(b, 0)]++
		n++
	}
	for i := range h {
		h[i] /= float64(n)
	}
	return h
}

// hog computes histograms of oriented gradients of a side×side grey image:
// cells of cell×cell pixels, 9 unsigned orientation bins with linear
// interpolation, concatenated over 2×2-cell blocks moved by stride cells,
// each block L2-normalised.
func hog(gray []float64, side, cell, stride int) []float64 {
	const bins = 9
	nc := side / cell
	hist := make([]float64, nc*nc*bins)
	at := func(x, y int) float64 {
		x = min(max(x, 0), side-1)
		y = min(max(y, 0), side-1)
		return gray[y*side+x]
	}
	for y := 0; y < nc*cell; y++ {
		for x := 0; x < nc*cell; x++ {
			gx := at(x+1, y) - at(x-1, y)
			gy := at(x, y+1) - at(x, y-1)
			mag := math.Hypot(gx, gy)
			if mag == 0 {
				continue
			}
			ang := math.Atan2(gy, gx)
			if ang < 0 {
				ang += math.Pi
			}
			pos := ang/math.Pi*bins - 0.5
			b0 := int(math.Floor(pos))
			frac := pos - float64(b0)
			c := ((y/cell)*nc + x/cell) * bins
			hist[c+(b0+bins)%bins] += mag * (1 - frac)
			hist[c+(b0+1)%bins] += mag * frac
		}
	}
	var out []float64
	for by := 0; by+2 <= nc; by += stride {
		for bx := 0; bx+2 <= nc; bx += stride {
			start := len(out)
			for dy := 0; dy < 2; dy++ {
				for dx := 0; dx < 2; dx++ {
					c := ((by+dy)*nc + bx + dx) * bins
					out = append(out, hist[c:c+bins]...)
				}
			}
			blk := out[start:]
			var s float64
			for _, v := range blk {
				s += v * v
			}
			s = math.Sqrt(s + 1e-6)
			for i := range blk {
				blk[i] /= s
			}
		}
	}
	return out
}

// resample fits img into a side×side RGB grid with values in [0, 1]
// (row-major, 3 values per pixel): the image is scaled to fit with its
// aspect kept, each grid pixel averaging 2×2 to 4×4 bilinear samples (more when
// shrinking), and the
// margins take the mean colour of the image's border.
func resample(img image.Image, side int) []float64 {
	src := toRGB(img)
	w, h := float64(src.w), float64(src.h)
	out := make([]float64, side*side*3)
	if src.w == 0 || src.h == 0 {
		return out
	}
	pad := src.border()
	sc := math.Max(w, h) / float64(side) // source pixels per grid pixel
	ox := (float64(side) - w/sc) / 2
	oy := (float64(side) - h/sc) / 2
	ss := min(max(int(math.Ceil(2*sc)), 2), 4) // samples per grid pixel per axis
	for gy := 0; gy < side; gy++ {
		for gx := 0; gx < side; gx++ {
			var acc [3]float64
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					px := (float64(gx) + (float64(sx)+0.5)/float64(ss) - ox) * sc
					py := (float64(gy) + (float64(sy)+0.5)/float64(ss) - oy) * sc
					c := pad
					if px >= 0 && py >= 0 && px < w && py < h {
						c = src.bilinear(px-0.5, py-0.5)
					}
					for k := range acc {
						acc[k] += c[k]
					}
				}
			}
			for k := range acc {
				out[(gy*side+gx)*3+k] = acc[k] / float64(ss*ss)
			}
		}
	}
	return out
}

// rgbImage is an image as RGB values in [0, 1], row-major.
type rgbImage struct {
	w, h int
	pix  []float32
}

// toRGB converts img, compositing any alpha over black, with fast paths
// for the common decoded types.
func toRGB(img image.Image) rgbImage {
	b := img.Bounds()
	r := rgbImage{w: b.Dx(), h: b.Dy(), pix: make([]float32, 3*b.Dx()*b.Dy())}
	i := 0
	switch im := img.(type) {
	case *image.Gray:
		for y := b.Min.Y; y < b.Max.Y; y++ {
			row := im.Pix[im.PixOffset(b.Min.X, y):]
			for x := 0; x < r.w; x++ {
				v := float32(row[x]) / 255
				r.pix[i], r.pix[i+1], r.pix[i+2] = v, v, v
				i += 3
			}
		}
	case *image.RGBA:
		for y := b.Min.Y; y < b.Max.Y; y++ {
			row := im.Pix[im.PixOffset(b.Min.X, y):]
			for x := 0; x < r.w; x++ {
				r.pix[i], r.pix[i+1], r.pix[i+2] = float32(row[4*x])/255, float32(row[4*x+1])/255, float32(row[4*x+2])/255
				i += 3
			}
		}
	default:
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				c := rgbOf(img.At(x, y))
				r.pix[i], r.pix[i+1], r.pix[i+2] = float32(c[0]), float32(c[1]), float32(c[2])
				i += 3
			}
		}
	}
	return r
}

// at returns the colour of pixel (x, y), clamped to the image.
func (r rgbImage) at(x, y int) [3]float64 {
	x = min(max(x, 0), r.w-1)
	y = min(max(y, 0), r.h-1)
	p := r.pix[3*(y*r.w+x):]
	return [3]float64{float64(p[0]), float64(p[1]), float64(p[2])}
}

// bilinear samples the image at (x, y) in pixel-centre coordinates.
func (r rgbImage) bilinear(x, y float64) [3]float64 {
	x0, y0 := math.Floor(x), math.Floor(y)
	fx, fy := x-x0, y-y0
	ix, iy := int(x0), int(y0)
	c00, c10, c01, c11 := r.at(ix, iy), r.at(ix+1, iy), r.at(ix, iy+1), r.at(ix+1, iy+1)
	var out [3]float64
	for k := range out {
		out[k] = (1-fy)*((1-fx)*c00[k]+fx*c10[k]) + fy*((1-fx)*c01[k]+fx*c11[k])
	}
	return out
}

// rgbOf converts a colour to RGB in [0, 1], compositing alpha over black.
func rgbOf(c color.Color) [3]float64 {
	r, g, bl, _ := c.RGBA()
	return [3]float64{float64(r) / 0xffff, float64(g) / 0xffff, float64(bl) / 0xffff}
}

// border is the mean colour of the image's outermost pixels.
func (r rgbImage) border() [3]float64 {
	var acc [3]float64
	n := 0
	add := func(x, y int) {
		c := r.at(x, y)
		for k := range acc {
			acc[k] += c[k]
		}
		n++
	}
	for x := 0; x < r.w; x++ {
		add(x, 0)
		add(x, r.h-1)
	}
	for y := 0; y < r.h; y++ {
		add(0, y)
		add(r.w-1, y)
	}
	for k := range acc {
		acc[k] /= float64(n)
	}
	return acc
}
