package media

import (
	"fmt"
	"image"
	_ "image/gif"  // registers GIF for image.DecodeConfig
	_ "image/jpeg" // registers JPEG
	_ "image/png"  // registers PNG
	"io"

	_ "golang.org/x/image/webp" // registers WebP
)

// MaxImagePixels is the largest width×height ReadImageInfo accepts (100
// megapixels), so that a small file cannot make a viewer or the classifier
// decode a gigantic bitmap.
const MaxImagePixels = 100_000_000

// ImageInfo is what Concord records about an image at import.
type ImageInfo struct {
	Width  int    `json:"width"`
	Height int    `json:"height"`
	Format string `json:"format"` // "png", "jpeg", "gif" or "webp"
}

// ReadImageInfo reads an image's dimensions from its header without decoding
// its pixels, refusing images over MaxImagePixels with ErrImageTooLarge.
func ReadImageInfo(r io.Reader) (ImageInfo, error) {
	cfg, format, err := image.DecodeConfig(r)
	if err != nil {
		return ImageInfo{}, fmt.Errorf("media: image header: %w", err)
	}
	info := ImageInfo{Width: cfg.Width, Height: cfg.Height, Format: format}
	if info.Width <= 0 || info.Height <= 0 {
		return ImageInfo{}, fmt.Errorf("media: image header: %s of %d×%d pixels has no area", format, info.Width, info.Height)
	}
	if int64(info.Width)*int64(info.Height) > MaxImagePixels {
		return ImageInfo{}, fmt.Errorf("%w: %s of %d×%d pixels is over the limit of %d megapixels (a decompression bomb?)",
			ErrImageTooLarge, format, info.Width, info.Height, MaxImagePixels/1_000_000)
	}
	return info, nil
}
