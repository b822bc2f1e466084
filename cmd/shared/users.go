package shared

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/reconi/reconi/cmd/internal/progress"
	"github.com/reconi/reconi/cmd/internal/prompt"
	"github.com/reconi/reconi/internal/csvio"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
)

// AskUser asks for the details of u that are still empty, checking each
// answer with the rules the backend applies, and for the date of birth
// (which may be left empty) when withOptional is set.
func AskUser(ctx context.Context, p *prompt.Prompter, u *reconi.NewUser, withOptional bool, now time.Time) error {
	ask := func(value *string, title string, check func(string) error) error {
		if *value != "" {
			return nil
		}
		v, err := p.Input(ctx, title, "", check)
		if err != nil {
			return err
		}
		*value = v
		return nil
	}
	checkName := func(field string) func(string) error {
		return func(s string) error { _, err := reconi.ParseName(field, s); return err }
	}
	if err := ask(&u.FirstName, "First name", checkName("first name")); err != nil {
		return err
	}
	if err := ask(&u.LastName, "Last name, with any prefix (van der Berg)", checkName("last name")); err != nil {
		return err
	}
	if err := ask(&u.Email, "Email address (the invitation goes there)", func(s string) error {
		_, err := reconi.ParseEmail(s)
		return err
	}); err != nil {
		return err
	}
	if err := ask(&u.Phone, "Mobile number (the SMS code goes there; Dutch unless +CC)", func(s string) error {
		_, err := reconi.ParseMobile(s)
		return err
	}); err != nil {
		return err
	}
	if withOptional {
		if err := ask(&u.DateOfBirth, "Date of birth, YYYY-MM-DD (optional: Enter to skip)", func(s string) error {
			if s == "" {
				return nil
			}
			_, err := reconi.ParseDate("date of birth", s, now)
			return err
		}); err != nil {
			return err
		}
	}
	if u.Employed == nil {
		yes, err := p.Confirm(ctx, "Is "+u.FirstName+" employed by the organisation? (employees get their means at once; others are identified first)", true)
		if err != nil {
			return err
		}
		u.Employed = &yes
	}
	return nil
}

// ImportFile adds the users of the CSV file at path (standard input for
// "-") to the draft, all or none, showing on a terminal how far the reading
// got, and warns about the columns it ignored. The file is opened before
// the backend, so that a wrong name opens nothing.
func ImportFile(ctx context.Context, ios *output.IOStreams, backend func() (reconi.Backend, error), draftID int64, path string, opts reconi.ImportOptions) (*reconi.ImportResult, error) {
	var in io.Reader = ios.In
	name := "standard input"
	if path != "-" {
		fh, err := os.Open(path)
		if err != nil {
			return nil, reconi.Invalid("file", "%v", err)
		}
		defer fh.Close()
		in, name = fh, filepath.Base(path)
	}
	b, err := backend()
	if err != nil {
		return nil, err
	}
	bar := progress.Bytes(ios, progress.Size(in), "Reading "+name)
	res, err := b.ImportUsers(ctx, draftID, bar.Reader(in), opts)
	bar.Done()
	if err != nil {
		return nil, err
	}
	if len(res.IgnoredColumns) > 0 {
		ios.Warnf("ignored columns: %s", strings.Join(res.IgnoredColumns, ", "))
	}
	return res, nil
}

// WriteErrorsFile writes the rows of the CSV file at path that failed as
// the import error e says, each with an error column, to errorsPath: the
// header and cells as they were, with the file's delimiter, ready to fix and
// import again (the error column is ignored then). It returns how many rows
// it wrote, and writes nothing when e names no rows. Rows e only counts
// (RowsOmitted) are not in it.
func WriteErrorsFile(path, errorsPath string, e *reconi.Error) (int, error) {
	problems := map[int][]string{}
	for _, r := range e.Rows {
		if r.Line > 0 {
			problems[r.Line] = append(problems[r.Line], r.Field+": "+r.Message)
		}
	}
	if len(problems) == 0 {
		return 0, nil
	}
	in, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer in.Close()
	// Only failing rows are kept, and e lists a bounded number of them.
	var rows [][]string
	header, comma, err := csvio.Records(in, func(line int, cells []string) error {
		if msgs, ok := problems[line]; ok {
			rows = append(rows, append(slices.Clone(cells), strings.Join(msgs, "; ")))
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Comma = comma
	_ = w.Write(append(slices.Clone(header), "error"))
	_ = w.WriteAll(rows) // flushes
	if err := w.Error(); err != nil {
		return 0, err
	}
	return len(rows), os.WriteFile(errorsPath, b.Bytes(), 0o600)
}
