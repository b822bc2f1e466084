package service

import (
	"bytes"
	"context"
	"errors"

	"gopkg.in/yaml.v3"

	"github.com/reconi/reconi/internal/reconi"
)

// Terms returns the conditions in force.
func (s *Service) Terms(ctx context.Context) (*reconi.Terms, error) {
	if err := authorize(ctx, actRead, ""); err != nil {
		return nil, err
	}
	t := s.terms
	return &t, nil
}

// parseTerms reads a terms file: YAML front matter (version, title) between
// "---" lines, then the text.
func parseTerms(b []byte) (reconi.Terms, error) {
	var t reconi.Terms
	rest, ok := bytes.CutPrefix(b, []byte("---\n"))
	if !ok {
		return t, errors.New("no front matter")
	}
	front, text, ok := bytes.Cut(rest, []byte("\n---\n"))
	if !ok {
		return t, errors.New("front matter not closed")
	}
	var meta struct{ Version, Title string }
	if err := yaml.Unmarshal(front, &meta); err != nil {
		return t, err
	}
	if meta.Version == "" {
		return t, errors.New("no version")
	}
	return reconi.Terms{Version: meta.Version, Title: meta.Title, Text: string(bytes.TrimSpace(text))}, nil
}
