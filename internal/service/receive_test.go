package service_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/service"
	"github.com/reconi/reconi/internal/store/sqlite"
)

// TestReceiveBound: a CSV upload's records are bounded on the way into the
// spool by a byte scanner, which asks the CSV reader when it sees a record
// past csvio.MaxRecordBytes. A stray quote makes a record without end for
// both: the upload is refused with the reader's message. UTF-16 doubles the
// bytes of a line that the reader counts once: the reader finds nothing
// wrong, the upload goes on, and the long row is judged as a row.
func TestReceiveBound(t *testing.T) {
	ctx := reconi.WithActor(context.Background(), reconi.Actor{Name: "tester", Role: reconi.RoleLocal})
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "reconi.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc, err := service.New(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.RegisterOrganization(ctx, reconi.NewOrganization{KVK: "69599084", Name: "Bakkerij De Korenschoof"}); err != nil {
		t.Fatal(err)
	}
	a, err := svc.CreateDraft(ctx, reconi.NewDraft{KVK: "69599084", Level: "EH3"})
	if err != nil {
		t.Fatal(err)
	}
	// rows returns a file of 4,000 rows (about 170 KB) whose line `at`
	// has the first name `first`. The scanner starts after what the CSV
	// reader took to read the header (up to 64 KiB, decoded), so the row
	// to catch comes later.
	rows := func(first string, at int) string {
		var csv strings.Builder
		csv.WriteString("first_name,last_name,email,phone,employed\n")
		for line := 2; line <= 4001; line++ {
			name := "Anna"
			if line == at {
				name = first
			}
			fmt.Fprintf(&csv, "%s,Bakker,anna%d@example.nl,06%08d,ja\n", name, line, 12000000+line)
		}
		return csv.String()
	}

	_, err = svc.ImportUsers(ctx, a.ID, strings.NewReader(rows("Pi\"et", 2000)), reconi.ImportOptions{})
	if reconi.ErrorKind(err) != reconi.KindInvalid || !strings.Contains(err.Error(), "the quoted value that starts on line 2000 runs on for more than 65536 bytes") {
		t.Errorf("a stray quote: err = %v, want the record without end", err)
	}

	utf16 := []byte{0xFF, 0xFE}
	for _, c := range rows(strings.Repeat("a", 40_000), 3000) {
		utf16 = append(utf16, byte(c), 0)
	}
	_, err = svc.ImportUsers(ctx, a.ID, bytes.NewReader(utf16), reconi.ImportOptions{})
	var e *reconi.Error
	if !errors.As(err, &e) || strings.Contains(err.Error(), "bytes") || len(e.Rows) != 1 || e.Rows[0].Line != 3000 || e.Rows[0].Field != "first_name" {
		t.Errorf("a 40,000-character name in UTF-16: err = %v, want line 3000's first name refused as a name", err)
	}
}
