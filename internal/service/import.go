package service

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/reconi/reconi/internal/csvio"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

// MaxRowErrors is how many bad rows an import lists; the rest are counted.
const MaxRowErrors = 1000

// importBatch is a slice of rows validated together. Batches travel to the
// validators and, in file order, to the writer, so memory stays bounded by
// the number of batches in flight whatever the size of the file.
type importBatch struct {
	rows []csvio.Row
	// parseErrs holds, for a row the CSV reader could not split into fields
	// (stray quote, value past the last column), what was wrong with it.
	parseErrs map[int][]reconi.RowError
	users     []reconi.User
	errs      [][]reconi.RowError
	done      chan struct{}
}

const (
	importBatchSize = 512
	batchesInFlight = 8
)

// errDryRun rolls back a dry run's transaction after every check passed.
var errDryRun = errors.New("dry run")

// ImportUsers adds the users of a CSV file to a draft, all or nothing (wizard
// step 7, CSV upload). Rows are validated in parallel, in batches, and
// inserted in file order inside one transaction; every bad row is reported
// (up to MaxRowErrors) and any bad row rolls everything back. A dry run does
// the same work and always rolls back, so it finds exactly what a real
// import would, duplicates with the draft included.
func (s *Service) ImportUsers(ctx context.Context, appID int64, r io.Reader, opt reconi.ImportOptions) (*reconi.ImportResult, error) {
	cr, err := csvio.NewReader(r)
	if err != nil {
		return nil, wrap(err)
	}
	res := &reconi.ImportResult{DryRun: opt.DryRun, IgnoredColumns: cr.Ignored()}
	err = s.update(ctx, func(tx store.Tx) error {
		a, err := s.draft(ctx, tx, appID)
		if err != nil {
			return err
		}
		before, err := tx.MaxUserID()
		if err != nil {
			return err
		}
		run := &importRun{s: s, tx: tx, app: a, before: before, now: s.now(), res: res,
			bad: &reconi.Error{Kind: reconi.KindInvalid}, insert: make([]store.UserRow, 0, importBatchSize)}
		if err := s.validateRows(ctx, cr, run.now, run.write); err != nil {
			return err
		}
		return run.finish(ctx, opt.DryRun)
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

// importRun is one import inside its transaction: the batches it has
// written and the bad rows it found so far.
type importRun struct {
	s   *Service
	tx  store.Tx
	app *reconi.Application
	// before is the highest user ID before the import began.
	before  int64
	now     time.Time
	res     *reconi.ImportResult
	bad     *reconi.Error
	badRows int
	// insert is reused by every batch.
	insert []store.UserRow
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
func (run *importRun) write(b *importBatch) error {
	// Every row with a usable email is inserted, valid or not, so
	// that duplicates further down are found (also of a bad row);
	// the rollback undoes them all. One call per batch: on
	// PostgreSQL a round trip per row would dominate.
	run.insert = run.insert[:0]
	for i := range b.rows {
		u := &b.users[i]
		if u.Email == "" {
			continue
		}
		u.ApplicationID, u.State, u.UpdatedAt = run.app.ID, reconi.UserDraft, run.now.UTC()
		run.insert = append(run.insert, store.UserRow{User: u, Line: b.rows[i].Line})
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
func (run *importRun) tally(b *importBatch, added []bool) error {
	next := 0 // the next row of insert, and of added
	for i := range b.rows {
		run.res.Rows++
		u := &b.users[i]
		invalid := len(b.errs[i]) > 0
		if invalid {
			run.badRows++
			run.report(b.errs[i]...)
		}
		if u.Email == "" {
			continue
		}
		ok := added[next]
		next++
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
				if msg, err = run.s.duplicate(run.tx, run.app.ID, u.Email, run.before); err != nil {
					return err
				}
			}
			run.report(reconi.RowError{Line: b.rows[i].Line, Field: "email", Value: u.Email, Message: msg})
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
		run.bad.Message = fmt.Sprintf("%d of %d rows are not valid; no user was added", run.badRows, run.res.Rows)
		run.res.Added = 0
		return run.bad
	}
	if run.res.Rows == 0 {
		return reconi.Invalid("file", "has a header but no rows: nothing to import")
	}
	if err := run.tx.InsertEvent(&reconi.Event{ApplicationID: run.app.ID, From: string(reconi.AppDraft), To: string(reconi.AppDraft),
		Actor: actorName(ctx), Reason: fmt.Sprintf("%d users imported from CSV", run.res.Added), At: run.now.UTC()}); err != nil {
		return err
	}
	if dryRun {
		return errDryRun
	}
	return nil
}

// duplicate explains why email could not be inserted: an earlier line of the
// same file (a user with an ID above before), or a user already in the draft.
func (s *Service) duplicate(tx store.Tx, appID int64, email string, before int64) (string, error) {
	u, err := tx.UserByEmail(appID, email)
	if err != nil || u == nil {
		return "duplicate email", err
	}
	if u.ID > before {
		return "duplicate email: also on line " + strconv.Itoa(u.ImportLine) + " of this file", nil
	}
	return fmt.Sprintf("%s is already a user of draft %d", u.Email, appID), nil
}

// validateRows reads cr and validates its rows on every core, handing each
// batch to fn in file order.
func (s *Service) validateRows(ctx context.Context, cr *csvio.Reader, now time.Time, fn func(*importBatch) error) error {
	g, ctx := errgroup.WithContext(ctx)
	work := make(chan *importBatch, batchesInFlight)
	ordered := make(chan *importBatch, batchesInFlight)

	g.Go(func() error { // reader
		defer close(work)
		defer close(ordered)
		for {
			b, readErr := readBatch(cr)
			if len(b.rows) > 0 {
				for _, ch := range []chan *importBatch{work, ordered} {
					select {
					case ch <- b:
					case <-ctx.Done():
						return ctx.Err()
					}
				}
			}
			if readErr != nil {
				return readErr
			}
			if len(b.rows) < importBatchSize {
				return nil
			}
		}
	})
	workers := max(1, runtime.GOMAXPROCS(0))
	for range workers {
		g.Go(func() error {
			for b := range work {
				validateBatch(b, now)
			}
			return nil
		})
	}
	g.Go(func() error { // writer, in file order
		for b := range ordered {
			select {
			case <-b.done:
			case <-ctx.Done():
				return ctx.Err()
			}
			if err := fn(b); err != nil {
				return err
			}
		}
		return nil
	})
	return g.Wait()
}

// readBatch reads the next importBatchSize rows of cr, or what is left. The
// batch holds the rows read before an error that ends the file.
func readBatch(cr *csvio.Reader) (*importBatch, error) {
	b := &importBatch{rows: make([]csvio.Row, 0, importBatchSize), done: make(chan struct{})}
	for len(b.rows) < importBatchSize {
		row, err := cr.Next()
		if err == io.EOF {
			break
		}
		var rowErr *reconi.Error
		if errors.As(err, &rowErr) && len(rowErr.Rows) > 0 {
			// A malformed row: report it and read on, so every
			// bad row is listed at once.
			if b.parseErrs == nil {
				b.parseErrs = map[int][]reconi.RowError{}
			}
			b.parseErrs[len(b.rows)] = rowErr.Rows
			b.rows = append(b.rows, csvio.Row{Line: rowErr.Rows[0].Line})
			continue
		}
		if err != nil {
			return b, err
		}
		b.rows = append(b.rows, row)
	}
	return b, nil
}

// validateBatch parses every row of b into a user and its errors, then
// marks b done.
func validateBatch(b *importBatch, now time.Time) {
	b.users = make([]reconi.User, len(b.rows))
	b.errs = make([][]reconi.RowError, len(b.rows))
	for i, row := range b.rows {
		if pe, ok := b.parseErrs[i]; ok {
			b.errs[i] = pe
			continue
		}
		b.users[i], b.errs[i] = reconi.ParseUser(reconi.UserFields{FirstName: row.FirstName, LastName: row.LastName,
			Email: row.Email, Phone: row.Phone, DateOfBirth: row.DateOfBirth, Employed: row.Employed}, now)
		for j := range b.errs[i] {
			b.errs[i][j].Line = row.Line
		}
	}
	close(b.done)
}
