package service

import (
	"cmp"
	"context"
	"errors"
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
// step 7, CSV upload). The file is first received whole into a
// spool file as received; then, in one transaction, checked in parallel
// and inserted in file order as the checks come in. A slow upload therefore
// keeps no transaction open; every bad row is reported
// (up to MaxRowErrors) and any bad row rolls everything back. A dry run does
// the same work and always rolls back, so it finds exactly what a real
// import would, duplicates with the draft included.
func (s *Service) ImportUsers(ctx context.Context, appID int64, r io.Reader, opt reconi.ImportOptions) (*reconi.ImportResult, error) {
	if err := s.canImport(ctx, appID); err != nil {
		return nil, err
	}
	sp, err := s.spoolUpload(r)
	if err != nil {
		return nil, err
	}
	defer sp.close()
	cr, err := csvio.NewReader(sp.f)
	if err != nil {
		return nil, wrap(err)
	}
	res := &reconi.ImportResult{DryRun: opt.DryRun, IgnoredColumns: cr.Ignored()}
	return s.importRows(ctx, appID, csvRows(cr), csvInput, opt, res, true)
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
	return s.importRows(ctx, appID, read, rowsInput, opt, &reconi.ImportResult{DryRun: opt.DryRun}, false)
}

// importRows checks the rows of next and writes them in one transaction.
// Receiving the rows, however long a slow client makes it, must happen
// before the write lock is taken. When next reads an input already received
// whole (received: a spooled upload, read at the speed of the disk), the
// rows are checked on every core while the transaction writes those already
// checked, so the lock is held for about as long as the writing alone.
// Otherwise every row is first checked into a spool file, and the
// transaction writes from there.
func (s *Service) importRows(ctx context.Context, appID int64, next nextRow, in importInput, opt reconi.ImportOptions, res *reconi.ImportResult, received bool) (*reconi.ImportResult, error) {
	now := s.now()
	var sp *spool
	if !received {
		if err := s.canImport(ctx, appID); err != nil {
			return nil, err
		}
		var err error
		if sp, err = s.newSpool(); err != nil {
			return nil, err
		}
		defer sp.close()
		if err := s.validateRows(ctx, next, now, func(b *importBatch) error { return sp.write(b.checked()) }); err != nil {
			return nil, wrap(err)
		}
		if err := sp.rewind(); err != nil {
			return nil, wrap(err)
		}
	}
	err := s.update(ctx, func(tx store.Tx) error {
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
		if received {
			if err := s.validateRows(ctx, next, now, func(b *importBatch) error { return run.write(b.checked()) }); err != nil {
				return err
			}
		} else if err := run.writeSpool(sp); err != nil {
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

// canImport refuses an import into a draft that cannot take rows, before
// they are read; the transaction that writes them checks again.
func (s *Service) canImport(ctx context.Context, appID int64) error {
	return s.view(ctx, func(tx store.Tx) error {
		_, err := s.unlockedDraft(ctx, tx, appID)
		return err
	})
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
