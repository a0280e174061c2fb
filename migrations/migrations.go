// Package migrations holds Concord's golang-migrate migrations, embedded in the binary.
package migrations

import "embed"

// FS holds the NNNNNN_name.{up,down}.sql files.
//
//go:embed *.sql
var FS embed.FS
