// Package static embeds Concord's stylesheets and scripts.
package static

import "embed"

// FS holds css/, js/ and vendor/ (third-party scripts, with their licences).
//
//go:embed css js vendor
var FS embed.FS
