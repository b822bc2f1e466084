package sqldb

import (
	"context"
	"database/sql"
	"sync"
)

// Stmts keeps the prepared statements of one *sql.DB by query text, so that
// a statement run again is not parsed again: database/sql prepares a cached
// *sql.Stmt once on each connection it meets and keeps it there (Tx.Stmt
// reuses the connection's). For SQLite (modernc), whose driver parses every
// query it is given, this was 21–30 % of the CPU of a read request (issue
// 15). PostgreSQL needs none: pgx's database/sql driver caches the
// statements of each connection itself (QueryExecModeCacheStatement, 512 a
// connection), so its store passes nil.
//
// A query seen for the first time runs unprepared, and is prepared for the
// next time in the background: preparing on the pool inside a transaction
// could wait for a connection the transaction itself holds (SQLite's writer
// has one). Texts past the first max stay unprepared, so queries built with
// varying IN lists cannot grow the cache without bound.
type Stmts struct {
	db      *sql.DB
	max     int
	mu      sync.Mutex
	m       map[string]*sql.Stmt
	pending map[string]bool
	closed  bool
	// stop ends the preparations still waiting for a connection when the
	// cache closes; wg waits for those under way.
	ctx  context.Context
	stop context.CancelFunc
	wg   sync.WaitGroup
}

// NewStmts returns an empty cache for db.
func NewStmts(db *sql.DB) *Stmts {
	ctx, stop := context.WithCancel(context.Background())
	return &Stmts{db: db, max: 512, m: map[string]*sql.Stmt{}, pending: map[string]bool{}, ctx: ctx, stop: stop}
}

// get returns the prepared statement for q, or nil, then preparing it for
// later when there is room.
func (c *Stmts) get(q string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st := c.m[q]; st != nil || c.closed {
		return st
	}
	if c.pending[q] || len(c.m)+len(c.pending) >= c.max {
		return nil
	}
	c.pending[q] = true
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		st, err := c.db.PrepareContext(c.ctx, q)
		c.mu.Lock()
		defer c.mu.Unlock()
		delete(c.pending, q)
		if err != nil {
			return // the query runs unprepared, and reports its error there
		}
		if c.closed {
			st.Close()
			return
		}
		c.m[q] = st
	}()
	return nil
}

// Len is how many statements are prepared.
func (c *Stmts) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}

// Close closes the prepared statements; call it before closing the pool. A
// preparation still waiting for a connection is called off (a transaction
// may hold the only one), and one under way is waited for: a connection
// still busy when the pool closes would close later, and SQLite would leave
// its -wal and -shm files behind.
func (c *Stmts) Close() error {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.stop()
	c.wg.Wait()
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, st := range c.m {
		st.Close()
		delete(c.m, q)
	}
	return nil
}

// stmtTx is a *sql.Tx whose Exec, Query and QueryRow use the cached
// statements of its pool, bound to the transaction once per query text.
type stmtTx struct {
	*sql.Tx
	cache *Stmts
	bound map[string]*sql.Stmt
}

func (t *stmtTx) stmt(q string) *sql.Stmt {
	if st := t.bound[q]; st != nil {
		return st
	}
	st := t.cache.get(q)
	if st == nil {
		return nil
	}
	if t.bound == nil {
		t.bound = map[string]*sql.Stmt{}
	}
	// Closed with the transaction; the connection's statement stays.
	st = t.Tx.Stmt(st)
	t.bound[q] = st
	return st
}

func (t *stmtTx) Exec(q string, args ...any) (sql.Result, error) {
	if st := t.stmt(q); st != nil {
		return st.Exec(args...)
	}
	return t.Tx.Exec(q, args...)
}

func (t *stmtTx) Query(q string, args ...any) (*sql.Rows, error) {
	if st := t.stmt(q); st != nil {
		return st.Query(args...)
	}
	return t.Tx.Query(q, args...)
}

func (t *stmtTx) QueryRow(q string, args ...any) *sql.Row {
	if st := t.stmt(q); st != nil {
		return st.QueryRow(args...)
	}
	return t.Tx.QueryRow(q, args...)
}
