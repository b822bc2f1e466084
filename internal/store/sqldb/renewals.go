package sqldb

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

func (t *Tx) InsertAppMeans(appID int64, lines []store.AppMeansRow) error {
	for _, l := range lines {
		if _, err := t.tx.Exec(`INSERT INTO application_means (application_id, means_id, user_id, previous_expires_at)
			VALUES ($1, $2, $3, $4)`, appID, l.MeansID, l.UserID, micro(l.PreviousExpiresAt)); err != nil {
			return t.conflict(err)
		}
	}
	return nil
}

func (t *Tx) AppMeans(appID int64, now time.Time) ([]reconi.AppMeans, error) {
	return queryAll(t, func(sc scanner) (reconi.AppMeans, error) {
		var l reconi.AppMeans
		var employed int
		var expires, previous int64
		err := sc.Scan(&l.MeansID, &l.UserID, &l.Email, &l.FirstName, &l.LastName, &employed, &l.RequestState,
			&l.Level, &l.State, &expires, &previous, &l.Permissions)
		l.Employed = employed != 0
		l.ExpiresAt, l.PreviousExpiresAt = fromMicro(expires), fromMicro(previous)
		if l.State == reconi.MeansActive && !now.Before(l.ExpiresAt) {
			l.State = reconi.MeansExpired
		}
		return l, err
	}, `SELECT am.means_id, am.user_id, u.email, u.first_name, u.last_name, u.employed, u.state,
		m.level, m.state, m.expires_at, am.previous_expires_at,
		(SELECT COUNT(*) FROM means_permissions p WHERE p.means_id = m.id)
		FROM application_means am JOIN users u ON u.id = am.user_id JOIN means m ON m.id = am.means_id
		WHERE am.application_id = $1 ORDER BY am.id`, appID)
}

func (t *Tx) AppMeansOfUser(userID int64) (*store.AppMeansRow, error) {
	r := store.AppMeansRow{UserID: userID}
	var previous int64
	err := t.tx.QueryRow(`SELECT means_id, previous_expires_at FROM application_means WHERE user_id = $1`, userID).
		Scan(&r.MeansID, &previous)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	r.PreviousExpiresAt = fromMicro(previous)
	return &r, err
}

func (t *Tx) OpenRenewals(meansIDs []int64, except int64) (map[int64]int64, error) {
	out := map[int64]int64{}
	if len(meansIDs) == 0 {
		return out, nil
	}
	args := []any{except}
	in := make([]string, len(meansIDs))
	for i, id := range meansIDs {
		args = append(args, id)
		in[i] = fmt.Sprintf("$%d", len(args))
	}
	rows, err := t.tx.Query(`SELECT am.means_id, MIN(am.application_id) FROM application_means am
		JOIN applications a ON a.id = am.application_id JOIN users u ON u.id = am.user_id
		WHERE a.kind = 'renewal' AND a.id <> $1 AND am.means_id IN (`+strings.Join(in, ", ")+`)
		AND (a.state = 'draft' OR u.state NOT IN ('draft', 'issued', 'rejected', 'expired', 'cancelled'))
		GROUP BY am.means_id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var m, a int64
		if err := rows.Scan(&m, &a); err != nil {
			return nil, err
		}
		out[m] = a
	}
	return out, rows.Err()
}

func (t *Tx) LockMeans(ids []int64) error {
	if t.dialect.ForUpdate == "" {
		return nil
	}
	for _, id := range ids {
		var got int64
		err := t.tx.QueryRow(`SELECT id FROM means WHERE id = $1`+t.dialect.ForUpdate, id).Scan(&got)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
	}
	return nil
}

func (t *Tx) RenewMeans(id int64, expires time.Time) (bool, error) {
	e := micro(expires)
	res, err := t.tx.Exec(`UPDATE means SET state = 'active', expires_at = $1 WHERE id = $2 AND state <> 'withdrawn'`, e, id)
	if err != nil {
		return false, err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return false, err
	}
	// Its links to other organisations end with it.
	if _, err := t.tx.Exec(`UPDATE means SET state = 'active', expires_at = $1 WHERE linked_to = $2 AND state <> 'withdrawn'`, e, id); err != nil {
		return false, err
	}
	mine := `(means_id = $2 OR means_id IN (SELECT l.id FROM means l WHERE l.linked_to = $2 AND l.state <> 'withdrawn'))`
	if _, err := t.tx.Exec(`UPDATE means_permissions SET expires_at = $1 WHERE `+mine+` AND expires_at < $1`, e, id); err != nil {
		return false, err
	}
	_, err = t.tx.Exec(`DELETE FROM means_reminders WHERE means_id = $1 OR means_id IN (SELECT l.id FROM means l WHERE l.linked_to = $1)`, id)
	return err == nil, err
}

func (t *Tx) GrantMeansPermissions(meansID int64, ps []reconi.MeansPermission) error {
	for _, p := range ps {
		res, err := t.tx.Exec(`UPDATE means_permissions SET expires_at = $1
			WHERE means_id = $2 AND scope = $3 AND provider = $4 AND service = $5 AND expires_at < $1`,
			micro(p.ExpiresAt), meansID, p.Scope, p.Provider, p.Service)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n > 0 {
			if err != nil {
				return err
			}
			continue
		}
		if _, err := t.tx.Exec(`INSERT INTO means_permissions (means_id, scope, provider, service, expires_at)
			SELECT $1, $2, $3, $4, $5 WHERE NOT EXISTS (SELECT 1 FROM means_permissions
				WHERE means_id = $1 AND scope = $2 AND provider = $3 AND service = $4)`,
			meansID, p.Scope, p.Provider, p.Service, micro(p.ExpiresAt)); err != nil {
			return err
		}
	}
	return nil
}

func (t *Tx) DeleteMeansPermissions(meansID int64, ps []reconi.MeansPermission) error {
	for _, p := range ps {
		if _, err := t.tx.Exec(`DELETE FROM means_permissions WHERE means_id = $1 AND scope = $2 AND provider = $3 AND service = $4`,
			meansID, p.Scope, p.Provider, p.Service); err != nil {
			return err
		}
	}
	return nil
}
