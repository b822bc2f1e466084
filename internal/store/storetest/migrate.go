package storetest

import (
	"testing"

	"github.com/pressly/goose/v3"
)

// MigrateTo moves the database of p up or down to version, for a test
// that seeds the data of an older schema and migrates it.
func MigrateTo(t *testing.T, p *goose.Provider, version int64) {
	t.Helper()
	current, err := p.GetDBVersion(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if current > version {
		_, err = p.DownTo(t.Context(), version)
	} else {
		_, err = p.UpTo(t.Context(), version)
	}
	if err != nil {
		t.Fatal(err)
	}
}
