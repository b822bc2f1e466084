package service

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

// importRun is one import inside its transaction: the batches it has
// written and the bad rows it found so far.
type importRun struct {
	s   *Service
	tx  store.Tx
	app *reconi.Application
	in  importInput
	// before is the highest user ID before the import began.
	before  int64
	now     time.Time
	res     *reconi.ImportResult
	bad     *reconi.Error
	badRows int
	// insert is reused by every batch.
	insert []store.UserRow
	// skipExisting skips the rows of people the draft already has.
	skipExisting bool
}

// report lists bad rows, up to MaxRowErrors, and counts the rest.
func (run *importRun) report(rows ...reconi.RowError) {
	for _, r := range rows {
		if len(run.bad.Rows) < MaxRowErrors {
			run.bad.Rows = append(run.bad.Rows, r)
		} else {
			run.bad.RowsOmitted++
		}
	}
}

// write inserts a validated batch and tallies its rows.
func (run *importRun) write(b *checkedBatch) error {
	// Every row with a usable email is inserted, valid or not, so
	// that duplicates further down are found (also of a bad row);
	// the rollback undoes them all. One call per batch: on
	// PostgreSQL a round trip per row would dominate.
	run.insert = run.insert[:0]
	for i := range b.Users {
		u := &b.Users[i]
		if u.Email == "" {
			continue
		}
		u.ApplicationID, u.State, u.UpdatedAt = run.app.ID, reconi.UserDraft, run.now.UTC()
		run.insert = append(run.insert, store.UserRow{User: u, Line: b.Lines[i]})
	}
	added, err := run.tx.InsertUsers(run.app.ID, run.insert)
	if err != nil {
		return err
	}
	return run.tally(b, added)
}

// tally counts the rows of a written batch, and reports its bad rows and
// those the database refused as duplicates; added is InsertUsers' answer
// for the rows with an email.
func (run *importRun) tally(b *checkedBatch, added []bool) error {
	next := 0 // the next row of insert, and of added
	for i := range b.Users {
		run.res.Rows++
		u := &b.Users[i]
		invalid := len(b.Errs[i]) > 0
		if invalid {
			run.badRows++
			run.report(b.Errs[i]...)
		}
		if u.Email == "" {
			continue
		}
		ok := added[next]
		next++
		if !ok && !invalid && run.skipExisting {
			skip, rowErr, err := run.present(u, b.Lines[i], b.source(i))
			if err != nil {
				return err
			}
			if skip {
				run.res.Skipped = append(run.res.Skipped, reconi.SkippedRow{Line: b.Lines[i], Source: b.source(i), Email: u.Email})
				continue
			}
			if rowErr != nil {
				run.badRows++
				run.report(*rowErr)
				continue
			}
		}
		if !ok {
			if !invalid {
				run.badRows++
			}
			// Saying which line or draft has the email takes a query;
			// only a row that will be listed needs it. Importing a
			// file twice would otherwise cost one per row.
			msg := "duplicate email"
			if len(run.bad.Rows) < MaxRowErrors {
				var err error
				if msg, err = run.s.duplicate(run.tx, run.app.ID, u.Email, run.before, run.in.dupLine); err != nil {
					return err
				}
			}
			run.report(reconi.RowError{Line: b.Lines[i], Source: b.source(i), Field: "email", Value: u.Email, Message: msg})
			continue
		}
		if !invalid {
			run.res.Added++
		}
	}
	return nil
}

// finish ends an import whose rows are all written: any bad row fails it,
// else it is recorded in the history; a dry run then rolls back.
func (run *importRun) finish(ctx context.Context, dryRun bool) error {
	if run.badRows > 0 {
		rows, are := "rows", "are"
		if run.res.Rows == 1 {
			rows = "row"
		}
		if run.badRows == 1 {
			are = "is"
		}
		run.bad.Message = fmt.Sprintf("%d of %d %s %s not valid; no user was added", run.badRows, run.res.Rows, rows, are)
		run.res.Added = 0
		return run.bad
	}
	if run.res.Rows == 0 {
		return reconi.Invalid(run.in.emptyField, "%s", run.in.emptyMessage)
	}
	users := "users"
	if run.res.Added == 1 {
		users = "user"
	}
	reason := fmt.Sprintf("%d %s imported%s", run.res.Added, users, run.in.from)
	if n := len(run.res.Skipped); n > 0 {
		reason += fmt.Sprintf("; %s already present, skipped", countNoun(n, "row", "rows"))
	}
	if err := run.tx.InsertEvent(&reconi.Event{ApplicationID: run.app.ID, From: string(reconi.AppDraft), To: string(reconi.AppDraft),
		Actor: actorName(ctx), Reason: reason, At: run.now.UTC()}); err != nil {
		return err
	}
	if dryRun {
		return errDryRun
	}
	return nil
}

// present reports whether row u (at line, from source), refused as a
// duplicate, is a person the draft had before the import with the same
// data: then it is skipped. The same email with other data is a bad row,
// naming the first field that differs; a duplicate within the input is
// neither (false, nil), and is reported as such.
func (run *importRun) present(u *reconi.User, line int, source string) (bool, *reconi.RowError, error) {
	had, err := run.tx.UserByEmail(run.app.ID, u.Email)
	if err != nil || had == nil || had.ID > run.before {
		return false, nil, err
	}
	yesNo := func(b bool) string {
		if b {
			return "yes"
		}
		return "no"
	}
	fields := []struct{ name, label, row, draft string }{
		{"first_name", "first name", u.FirstName, had.FirstName},
		{"last_name", "last name", u.LastName, had.LastName},
		{"phone", "phone number", u.Phone, had.Phone},
		{"employed", "employed", yesNo(u.Employed), yesNo(had.Employed)},
	}
	if u.DateOfBirth != "" {
		fields = append(fields, struct{ name, label, row, draft string }{"date_of_birth", "date of birth", string(u.DateOfBirth), string(had.DateOfBirth)})
	}
	for _, f := range fields {
		if f.row != f.draft {
			return false, &reconi.RowError{Line: line, Source: source, Field: f.name, Value: f.row,
				Message: fmt.Sprintf("%s is already a user of draft %d with %s %q: not the same person's data, so not skipped",
					u.Email, run.app.ID, f.label, f.draft)}, nil
		}
	}
	return true, nil, nil
}

// duplicate explains why email could not be inserted: an earlier line of the
// same input (a user with an ID above before; dupLine says "line %d of this
// file"), or a user already in the draft.
func (s *Service) duplicate(tx store.Tx, appID int64, email string, before int64, dupLine string) (string, error) {
	u, err := tx.UserByEmail(appID, email)
	if err != nil || u == nil {
		return "duplicate email", err
	}
	if u.ID > before {
		return "duplicate email: also on " + fmt.Sprintf(dupLine, u.ImportLine), nil
	}
	return fmt.Sprintf("%s is already a user of draft %d", u.Email, appID), nil
}

// writeSpool writes every batch of a spool, in order.
func (run *importRun) writeSpool(sp *spool) error {
	for {
		b, err := sp.read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading the import's spool: %w", err)
		}
		if err := run.write(b); err != nil {
			return err
		}
	}
}
