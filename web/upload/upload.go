// Package upload reads an import's upload, for the API and the import page
// alike: multipart files or a JSON body, spooled to files under a size limit.
package upload

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"concord/internal/config"
	"concord/internal/ingest"
	"concord/web/problem"
)

// safeName keeps the base of an uploaded file's name, without odd characters.
var unsafeChars = regexp.MustCompile(`[^\p{L}\p{N}._ -]+`)

func safeName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, `\`, "/"))
	name = unsafeChars.ReplaceAllString(name, "_")
	if name == "." || name == "/" || name == "" {
		name = "upload"
	}
	return name
}

// Spool saves the request's files in a new folder under the data directory's
// uploads, where the workers that import them can read them: each multipart
// file part, or a JSON body as tasks.json. It enforces the upload limit
// (413) and returns the skip_invalid form field.
func Spool(w http.ResponseWriter, r *http.Request, cfg config.Config) (files []ingest.File, skip bool, err error) {
	dir, limit := filepath.Join(cfg.DataDir, "uploads"), cfg.MaxUploadMB<<20
	if r.ContentLength > limit {
		return nil, false, tooLarge(limit)
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, false, err
	}
	dir, err = os.MkdirTemp(dir, "import-")
	if err != nil {
		return nil, false, err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(dir)
		}
	}()
	save := func(name string, src io.Reader) error {
		f := ingest.File{Name: safeName(name), Path: filepath.Join(dir, fmt.Sprintf("%d-%s", len(files), safeName(name)))}
		out, err := os.OpenFile(f.Path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return err
		}
		f.Size, err = io.Copy(out, src)
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		files = append(files, f)
		return err
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "multipart/form-data":
		mr, err := r.MultipartReader()
		if err != nil {
			return nil, false, problem.BadRequest("unreadable multipart body: %v", err)
		}
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, false, uploadErr(err, limit)
			}
			if part.FileName() == "" {
				if part.FormName() == "url" {
					return nil, false, errImportURL
				}
				if part.FormName() == "skip_invalid" {
					v, _ := io.ReadAll(io.LimitReader(part, 16))
					skip = string(v) == "true" || string(v) == "on"
				}
				continue
			}
			if err := save(part.FileName(), part); err != nil {
				return nil, false, uploadErr(err, limit)
			}
		}
	case "application/json", "":
		if err := save("tasks.json", r.Body); err != nil {
			return nil, false, uploadErr(err, limit)
		}
	case "application/x-www-form-urlencoded":
		return nil, false, errImportURL // Label Studio's import from a URL
	default:
		return nil, false, problem.New(http.StatusUnsupportedMediaType, "send tasks as application/json or files as multipart/form-data")
	}
	var total int64
	for _, f := range files {
		total += f.Size
	}
	if total == 0 {
		return nil, false, problem.BadRequest("nothing to import: the upload is empty")
	}
	return files, skip, nil
}

// errImportURL refuses Label Studio's import from a URL: the server fetches no
// address a request or a task names (SSRF).
var errImportURL = problem.BadRequest("importing from a URL is not supported (the server fetches no address it is given): download the file and upload it")

func tooLarge(limit int64) error {
	return problem.New(http.StatusRequestEntityTooLarge, fmt.Sprintf("the upload is larger than the limit of %d MiB", limit>>20))
}

func uploadErr(err error, limit int64) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return tooLarge(limit)
	}
	return err
}
