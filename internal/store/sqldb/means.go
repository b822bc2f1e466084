package sqldb

import (
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

func (t *Tx) InsertMeans(m *reconi.Means) error {
	var linked sql.NullInt64
	if m.LinkedTo != 0 {
		linked = sql.NullInt64{Int64: m.LinkedTo, Valid: true}
	}
	err := t.tx.QueryRow(`INSERT INTO means (user_id, application_id, kvk, email_key, level, state, issued_at, expires_at, linked_to)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		m.UserID, m.ApplicationID, m.Organization.KVK, strings.ToLower(m.Email), m.Level, m.State,
		micro(m.IssuedAt), micro(m.ExpiresAt), linked).Scan(&m.ID)
	if err != nil {
		return t.conflict(err)
	}
	for _, p := range m.Permissions {
		// A draft priced before services had UUIDs names its services by
		// ServiceID only: the catalogue's ServiceUUID of that ServiceID is
		// what the permission is registered against.
		if _, err := t.tx.Exec(`INSERT INTO means_permissions (means_id, scope, provider, service, service_uuid, expires_at)
			VALUES ($1, $2, $3, $4, COALESCE(NULLIF($5, ''), (SELECT s.uuid FROM services s WHERE s.id = $4 AND $4 <> ''), ''), $6)`,
			m.ID, p.Scope, p.Provider, p.Service, p.ServiceUUID, micro(p.ExpiresAt)); err != nil {
			return err
		}
	}
	return nil
}

const meansColumns = `m.id, m.user_id, m.application_id, u.email, u.first_name, u.last_name, m.kvk, o.name, m.level,
	m.state, m.issued_at, m.expires_at, m.withdrawn_at, m.withdrawn_by, m.withdraw_reason, COALESCE(m.linked_to, 0)`

const meansFrom = ` FROM means m JOIN users u ON u.id = m.user_id JOIN organizations o ON o.kvk = m.kvk`

func scanMeans(sc scanner) (reconi.Means, error) {
	var m reconi.Means
	var issued, expires int64
	var withdrawn sql.NullInt64
	err := sc.Scan(&m.ID, &m.UserID, &m.ApplicationID, &m.Email, &m.FirstName, &m.LastName, &m.Organization.KVK,
		&m.Organization.Name, &m.Level, &m.State, &issued, &expires, &withdrawn, &m.WithdrawnBy, &m.WithdrawReason, &m.LinkedTo)
	if err != nil {
		return m, err
	}
	m.IssuedAt, m.ExpiresAt = fromMicro(issued), fromMicro(expires)
	if withdrawn.Valid {
		at := fromMicro(withdrawn.Int64)
		m.WithdrawnAt = &at
	}
	m.Permissions = []reconi.MeansPermission{}
	return m, nil
}

// meansWhere turns a filter into SQL conditions and their arguments.
func meansWhere(f store.MeansFilter) ([]string, []any) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	where = append(where, "m.id > "+arg(f.AfterID))
	if f.KVK != "" {
		where = append(where, "m.kvk = "+arg(f.KVK))
	}
	if f.Email != "" {
		where = append(where, "m.email_key = "+arg(strings.ToLower(f.Email)))
	}
	now := micro(f.Now)
	switch f.State {
	case reconi.MeansActive:
		where = append(where, "m.state = 'active' AND m.expires_at > "+arg(now))
	case reconi.MeansExpired:
		where = append(where, "(m.state = 'expired' OR (m.state = 'active' AND m.expires_at <= "+arg(now)+"))")
	case reconi.MeansWithdrawn:
		where = append(where, "m.state = 'withdrawn'")
	}
	if !f.ExpiresBy.IsZero() {
		where = append(where, "m.state = 'active' AND m.expires_at > "+arg(now)+" AND m.expires_at <= "+arg(micro(f.ExpiresBy)))
	}
	if f.Orgs != nil {
		in := []string{"NULL"}
		for _, k := range f.Orgs {
			in = append(in, arg(k))
		}
		where = append(where, "m.kvk IN ("+strings.Join(in, ", ")+")")
	}
	return where, args
}

func (t *Tx) ListMeans(f store.MeansFilter) ([]reconi.Means, error) {
	where, args := meansWhere(f)
	q := `SELECT ` + meansColumns + meansFrom + ` WHERE ` + strings.Join(where, " AND ") + ` ORDER BY m.id`
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	return t.queryMeans(q, args...)
}

// queryMeans runs a query for meansColumns and adds each means' permissions.
func (t *Tx) queryMeans(q string, args ...any) ([]reconi.Means, error) {
	out, err := queryAll(t, scanMeans, q, args...)
	if err != nil {
		return nil, err
	}
	return out, t.meansPermissions(out)
}

// meansPermissions fills in the permissions of ms in one query.
func (t *Tx) meansPermissions(ms []reconi.Means) error {
	if len(ms) == 0 {
		return nil
	}
	index := make(map[int64]int, len(ms))
	in := make([]string, len(ms))
	args := make([]any, len(ms))
	for i, m := range ms {
		index[m.ID] = i
		in[i] = fmt.Sprintf("$%d", i+1)
		args[i] = m.ID
	}
	// A service permission is registered against the ServiceUUID: it names
	// the service by the ServiceID the catalogue gives that UUID now, and by
	// the one it was granted under when the service left the catalogue.
	rows, err := t.tx.Query(`SELECT mp.means_id, mp.scope, mp.provider, COALESCE(s.id, mp.service), mp.service_uuid, mp.expires_at
		FROM means_permissions mp LEFT JOIN services s ON s.uuid = mp.service_uuid AND mp.service_uuid <> ''
		WHERE mp.means_id IN (`+strings.Join(in, ", ")+`) ORDER BY mp.means_id, mp.id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, expires int64
		var p reconi.MeansPermission
		if err := rows.Scan(&id, &p.Scope, &p.Provider, &p.Service, &p.ServiceUUID, &expires); err != nil {
			return err
		}
		p.ExpiresAt = fromMicro(expires)
		m := &ms[index[id]]
		m.Permissions = append(m.Permissions, p)
	}
	return rows.Err()
}

func (t *Tx) oneMeans(where string, arg any) (*reconi.Means, error) {
	ms, err := t.queryMeans(`SELECT `+meansColumns+meansFrom+` WHERE `+where, arg)
	if err != nil || len(ms) == 0 {
		return nil, err
	}
	return &ms[0], nil
}

func (t *Tx) MeansByID(id int64) (*reconi.Means, error) { return t.oneMeans("m.id = $1", id) }

func (t *Tx) MeansOfUser(userID int64) (*reconi.Means, error) {
	return t.oneMeans("m.user_id = $1", userID)
}

func (t *Tx) WithdrawMeans(id int64, at time.Time, by, reason string) (bool, error) {
	res, err := t.tx.Exec(`UPDATE means SET state = 'withdrawn', withdrawn_at = $1, withdrawn_by = $2, withdraw_reason = $3
		WHERE id = $4 AND state <> 'withdrawn'`, micro(at), by, reason, id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (t *Tx) ExpireMeans(now time.Time, limit int) ([]reconi.Means, error) {
	ms, err := t.queryMeans(`SELECT `+meansColumns+meansFrom+`
		WHERE m.state = 'active' AND m.expires_at <= $1 ORDER BY m.expires_at, m.id LIMIT `+fmt.Sprint(limit)+t.lockOf("m", false),
		micro(now))
	if err != nil {
		return nil, err
	}
	for i := range ms {
		if _, err := t.tx.Exec(`UPDATE means SET state = 'expired' WHERE id = $1 AND state = 'active'`, ms[i].ID); err != nil {
			return nil, err
		}
		ms[i].State = reconi.MeansExpired
	}
	return ms, nil
}

func (t *Tx) ClaimReminders(days int, now, until time.Time, limit int) ([]reconi.Means, error) {
	ms, err := t.queryMeans(`SELECT `+meansColumns+meansFrom+`
		WHERE m.state = 'active' AND m.expires_at > $1 AND m.expires_at <= $2
		AND NOT EXISTS (SELECT 1 FROM means_reminders r WHERE r.means_id = m.id AND r.days <= $3)
		ORDER BY m.expires_at, m.id LIMIT `+fmt.Sprint(limit)+t.lockOf("m", true),
		micro(now), micro(until), days)
	if err != nil {
		return nil, err
	}
	claimed := ms[:0]
	for _, m := range ms {
		res, err := t.tx.Exec(`INSERT INTO means_reminders (means_id, days, queued_at) VALUES ($1, $2, $3)
			ON CONFLICT (means_id, days) DO NOTHING`, m.ID, days, micro(now))
		if err != nil {
			return nil, err
		}
		if n, err := res.RowsAffected(); err != nil {
			return nil, err
		} else if n == 1 {
			claimed = append(claimed, m)
		}
	}
	return claimed, nil
}

// lockOf ends a select of means that the transaction will change: on
// PostgreSQL it locks the means rows only (not the users and organisations
// joined to them), skipping rows another transaction holds when skip is set;
// on SQLite, with one writer at a time, it is empty.
func (t *Tx) lockOf(alias string, skip bool) string {
	if t.dialect.SkipLocked == "" {
		return ""
	}
	if skip {
		return " FOR UPDATE OF " + alias + " SKIP LOCKED"
	}
	return " FOR NO KEY UPDATE OF " + alias
}
