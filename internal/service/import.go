package service

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"runtime"
	"slices"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/reconi/reconi/internal/csvio"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

// MaxRowErrors is how many bad rows an import lists; the rest are counted.
const MaxRowErrors = 1000

// rowInput is one row as read, before it is checked.
type rowInput struct {
	line   int
	source string
	fields reconi.UserFields
	// errs holds, for a row the reader could not split into fields (a
	// stray quote, a value past the last column), what was wrong with it.
	errs []reconi.RowError
}

// nextRow returns the next row of an input, or io.EOF after the last.
type nextRow func() (rowInput, error)

// importBatch is a slice of rows validated together. Batches travel to the
// validators and, in input order, to the spool, so memory stays bounded by
// the number of batches in flight whatever the size of the input.
type importBatch struct {
	rows  []rowInput
	users []reconi.User
	errs  [][]reconi.RowError
	done  chan struct{}
}

// checkedBatch is a batch once checked, as the spool keeps it: each row's
// line, source (Sources is nil when no row has one), user and problems.
type checkedBatch struct {
	Lines   []int
	Sources []string
	Users   []reconi.User
	Errs    [][]reconi.RowError
}

func (b *checkedBatch) source(i int) string {
	if b.Sources == nil {
		return ""
	}
	return b.Sources[i]
}

const (
	importBatchSize = 512
	batchesInFlight = 8
)

// errDryRun rolls back a dry run's transaction after every check passed.
var errDryRun = errors.New("dry run")

// importInput says what an import reads, for its messages.
type importInput struct {
	// from ends the history's "N users imported".
	from string
	// emptyField and emptyMessage make the error of an input without rows.
	emptyField, emptyMessage string
	// dupLine says where else in the input an email was: "line 2 of this file".
	dupLine string
}

var (
	csvInput = importInput{from: " from CSV", emptyField: "file", emptyMessage: "has a header but no rows: nothing to import",
		dupLine: "line %d of this file"}
	rowsInput = importInput{emptyField: "users", emptyMessage: "none were given: nothing to import",
		dupLine: "row %d of this import"}
)

// ImportUsers adds the users of a CSV file to a draft, all or nothing (wizard
// step 7, CSV upload). Rows are validated in parallel, in batches, into a
// spool file, and then inserted in file order inside one transaction, which
// a slow upload therefore does not keep open; every bad row is reported
// (up to MaxRowErrors) and any bad row rolls everything back. A dry run does
// the same work and always rolls back, so it finds exactly what a real
// import would, duplicates with the draft included.
func (s *Service) ImportUsers(ctx context.Context, appID int64, r io.Reader, opt reconi.ImportOptions) (*reconi.ImportResult, error) {
	cr, err := csvio.NewReader(r)
	if err != nil {
		return nil, wrap(err)
	}
	res := &reconi.ImportResult{DryRun: opt.DryRun, IgnoredColumns: cr.Ignored()}
	return s.importRows(ctx, appID, csvRows(cr), csvInput, opt, res)
}

// csvRows reads the rows of cr. A malformed row is reported, and the
// reading goes on, so that every bad row is listed at once.
func csvRows(cr *csvio.Reader) nextRow {
	return func() (rowInput, error) {
		row, err := cr.Next()
		var rowErr *reconi.Error
		if errors.As(err, &rowErr) && len(rowErr.Rows) > 0 {
			return rowInput{line: rowErr.Rows[0].Line, errs: rowErr.Rows}, nil
		}
		if err != nil {
			return rowInput{}, err
		}
		return rowInput{line: row.Line, fields: reconi.UserFields{FirstName: row.FirstName, LastName: row.LastName,
			Email: row.Email, Phone: row.Phone, DateOfBirth: row.DateOfBirth, Employed: row.Employed}}, nil
	}
}

// ImportUserRows adds users given as rows of fields, such as a manifest's,
// with the rules and the all-or-nothing of ImportUsers. Rows are numbered
// from 1 in the order given; a row's errors also carry its Source.
func (s *Service) ImportUserRows(ctx context.Context, appID int64, rows reconi.UserRows, opt reconi.ImportOptions) (*reconi.ImportResult, error) {
	if rows == nil {
		rows = func(func(reconi.UserRow, error) bool) {}
	}
	next, stop := iter.Pull2(rows)
	defer stop()
	n := 0
	read := func() (rowInput, error) {
		row, err, ok := next()
		if !ok {
			return rowInput{}, io.EOF
		}
		n++
		in := rowInput{line: n, source: row.Source}
		var rowErr *reconi.Error
		if errors.As(err, &rowErr) && len(rowErr.Rows) > 0 {
			in.errs = slices.Clone(rowErr.Rows)
			for i := range in.errs {
				in.errs[i].Line = cmp.Or(in.errs[i].Line, n)
				in.errs[i].Source = cmp.Or(in.errs[i].Source, row.Source)
			}
			return in, nil
		}
		if err != nil {
			return rowInput{}, err
		}
		in.fields = reconi.UserFields{FirstName: row.FirstName, LastName: row.LastName, Email: row.Email,
			Phone: row.Phone, DateOfBirth: row.DateOfBirth, Employed: employedText(row.Employed)}
		return in, nil
	}
	return s.importRows(ctx, appID, read, rowsInput, opt, &reconi.ImportResult{DryRun: opt.DryRun})
}

// importRows checks every row of an input into a spool file, then writes
// them in one transaction. Receiving and checking, however long a slow
// client makes them, happen before the write lock is taken.
func (s *Service) importRows(ctx context.Context, appID int64, next nextRow, in importInput, opt reconi.ImportOptions, res *reconi.ImportResult) (*reconi.ImportResult, error) {
	// A draft that cannot take the rows fails before they are read.
	if err := s.view(ctx, func(tx store.Tx) error {
		_, err := s.unlockedDraft(ctx, tx, appID)
		return err
	}); err != nil {
		return nil, err
	}
	sp, err := s.newSpool()
	if err != nil {
		return nil, err
	}
	defer sp.close()
	now := s.now()
	if err := s.validateRows(ctx, next, now, func(b *importBatch) error { return sp.write(b.checked()) }); err != nil {
		return nil, wrap(err)
	}
	if err := sp.rewind(); err != nil {
		return nil, wrap(err)
	}
	err = s.update(ctx, func(tx store.Tx) error {
		a, err := s.draft(ctx, tx, appID)
		if err != nil {
			return err
		}
		before, err := tx.MaxUserID()
		if err != nil {
			return err
		}
		run := &importRun{s: s, tx: tx, app: a, in: in, before: before, now: now, res: res, skipExisting: opt.SkipExisting,
			bad: &reconi.Error{Kind: reconi.KindInvalid}, insert: make([]store.UserRow, 0, importBatchSize)}
		for {
			b, err := sp.read()
			if err == io.EOF {
				break
			}
			if err != nil {
				return fmt.Errorf("reading the import's spool: %w", err)
			}
			if err := run.write(b); err != nil {
				return err
			}
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

// validateRows reads the rows of next and validates them on every core,
// handing each batch to fn in input order.
func (s *Service) validateRows(ctx context.Context, next nextRow, now time.Time, fn func(*importBatch) error) error {
	g, ctx := errgroup.WithContext(ctx)
	work := make(chan *importBatch, batchesInFlight)
	ordered := make(chan *importBatch, batchesInFlight)

	g.Go(func() error { // reader
		defer close(work)
		defer close(ordered)
		for {
			b, readErr := readBatch(next)
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
	g.Go(func() error { // writer, in input order
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

// readBatch reads the next importBatchSize rows, or what is left. The batch
// holds the rows read before an error that ends the input.
func readBatch(next nextRow) (*importBatch, error) {
	b := &importBatch{rows: make([]rowInput, 0, importBatchSize), done: make(chan struct{})}
	for len(b.rows) < importBatchSize {
		row, err := next()
		if err == io.EOF {
			break
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
		if row.errs != nil {
			b.errs[i] = row.errs
			continue
		}
		b.users[i], b.errs[i] = reconi.ParseUser(row.fields, now)
		for j := range b.errs[i] {
			b.errs[i][j].Line, b.errs[i][j].Source = row.line, row.source
		}
	}
	close(b.done)
}

// checked returns b as the spool keeps it.
func (b *importBatch) checked() *checkedBatch {
	c := &checkedBatch{Lines: make([]int, len(b.rows)), Users: b.users, Errs: b.errs}
	for i, row := range b.rows {
		c.Lines[i] = row.line
		if row.source != "" {
			if c.Sources == nil {
				c.Sources = make([]string, len(b.rows))
			}
			c.Sources[i] = row.source
		}
	}
	return c
}
