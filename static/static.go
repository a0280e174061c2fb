// Package static embeds Concord's stylesheets and scripts.
package static

import "embed"

// FS holds css/ and js/.
//
//go:embed css js
var FS embed.FS
