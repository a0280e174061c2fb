package web

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"concord/internal/auth"
	"concord/internal/store"
	"concord/web/problem"
)

// media finds a stored file the caller may see, or answers 404.
func (s *Server) media(r *http.Request) (store.Media, error) {
	u, _ := auth.UserFrom(r.Context())
	m, err := s.store.MediaFor(r.Context(), chi.URLParam(r, "hash"), u.ID, auth.CanSeeAllProjects(u))
	if err != nil {
		return m, problem.NotFound("file")
	}
	return m, nil
}

// mediaFile serves a stored image or audio file, with Range support; its URL is
// its content hash, so it never changes and may be cached for long.
func (s *Server) mediaFile(w http.ResponseWriter, r *http.Request) error {
	m, err := s.media(r)
	if err != nil {
		return err
	}
	f, _, err := s.blobs.Open(r.Context(), m.Hash)
	if err != nil {
		return err
	}
	defer f.Close()
	w.Header().Set("Content-Type", m.MIME)
	w.Header().Set("Cache-Control", "private, max-age=31536000, immutable")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; sandbox")
	http.ServeContent(w, r, "", time.Time{}, f)
	return nil
}

// mediaPeaks serves an audio file's waveform, computed once at import.
func (s *Server) mediaPeaks(w http.ResponseWriter, r *http.Request) error {
	m, err := s.media(r)
	if err != nil {
		return err
	}
	if m.Peaks == nil {
		return problem.NotFound("waveform")
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "private, max-age=31536000, immutable")
	_, err = w.Write(m.Peaks)
	return err
}
