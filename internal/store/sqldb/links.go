package sqldb

import (
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/reconi/reconi/internal/reconi"
)

// levelRank is the rank of means m's level in SQL, as Level.Rank has it.
func levelRank(col string) string {
	var b strings.Builder
	b.WriteString("CASE " + col)
	for _, l := range reconi.Levels {
		fmt.Fprintf(&b, " WHEN '%s' THEN %d", l, l.Rank())
	}
	b.WriteString(" ELSE 0 END")
	return b.String()
}

// linkable is the condition on means m (with its user mu) that a person
// with email key $E, phone $P and date of birth $D may have linked to
// organisation $K at rank $R or above, at $N.
func linkable(e, p, d, k, r, n string) string {
	return `m.email_key = ` + e + ` AND mu.phone = ` + p + ` AND (` + d + ` = '' OR mu.date_of_birth = '' OR mu.date_of_birth = ` + d + `)
		AND m.state = 'active' AND m.expires_at > ` + n + ` AND m.kvk <> ` + k + ` AND m.linked_to IS NULL
		AND ` + levelRank("m.level") + ` >= ` + r
}

const linkColumns = `m.id, m.kvk, o.name, m.level, m.expires_at`

func scanLink(sc scanner, l *reconi.AppLink, extra ...any) error {
	var expires int64
	dst := append(extra, &l.MeansID, &l.Organization.KVK, &l.Organization.Name, &l.Level, &expires)
	if err := sc.Scan(dst...); err != nil {
		return err
	}
	l.ExpiresAt = fromMicro(expires)
	return nil
}

func (t *Tx) AppLinks(appID int64, kvk reconi.KVK, minRank int, now time.Time) ([]reconi.AppLink, error) {
	// Every read of a draft asks this: when no other organisation holds
	// an active means, a cheap look at the means spares a probe per user.
	var any int
	err := t.tx.QueryRow(`SELECT COUNT(*) FROM (SELECT 1 FROM means m WHERE m.state = 'active' AND m.expires_at > $1
		AND m.kvk <> $2 AND m.linked_to IS NULL LIMIT 1) x`, micro(now), kvk).Scan(&any)
	if err != nil || any == 0 {
		return nil, err
	}
	rows, err := t.tx.Query(`SELECT u.id, u.email, u.employed, `+linkColumns+`
		FROM users u JOIN means m ON m.email_key = u.email_key JOIN users mu ON mu.id = m.user_id JOIN organizations o ON o.kvk = m.kvk
		WHERE u.application_id = $1 AND u.state = 'draft' AND `+linkable("u.email_key", "u.phone", "u.date_of_birth", "$2", "$3", "$4")+`
		ORDER BY u.id, `+levelRank("m.level")+` DESC, m.expires_at DESC, m.id`, appID, kvk, minRank, micro(now))
	if err != nil {
		return nil, err
	}
	// The best means of each user comes first.
	return userLinks(rows, true)
}

func (t *Tx) LinkFor(p reconi.LinkPerson, kvk reconi.KVK, minRank int, now time.Time) (*reconi.AppLink, error) {
	l := reconi.AppLink{Email: p.Email}
	err := scanLink(t.tx.QueryRow(`SELECT `+linkColumns+`
		FROM means m JOIN users mu ON mu.id = m.user_id JOIN organizations o ON o.kvk = m.kvk
		WHERE `+linkable("$1", "$2", "$3", "$4", "$5", "$6")+`
		ORDER BY `+levelRank("m.level")+` DESC, m.expires_at DESC, m.id LIMIT 1`,
		strings.ToLower(p.Email), p.Phone, p.DateOfBirth, kvk, minRank, micro(now)), &l)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &l, nil
}

func (t *Tx) LinkedMeans(appID int64) ([]reconi.AppLink, error) {
	rows, err := t.tx.Query(`SELECT l.user_id, u.email, u.employed, `+linkColumns+`
		FROM means l JOIN users u ON u.id = l.user_id JOIN means m ON m.id = l.linked_to JOIN organizations o ON o.kvk = m.kvk
		WHERE l.application_id = $1 AND l.linked_to IS NOT NULL ORDER BY l.id`, appID)
	if err != nil {
		return nil, err
	}
	return userLinks(rows, false)
}

// userLinks reads rows of a user (id, email, employed) and a link's
// columns, and closes them; firstPerUser keeps only each user's first row.
func userLinks(rows *sql.Rows, firstPerUser bool) ([]reconi.AppLink, error) {
	defer rows.Close()
	var out []reconi.AppLink
	for rows.Next() {
		var l reconi.AppLink
		var employed int
		if err := scanLink(rows, &l, &l.UserID, &l.Email, &employed); err != nil {
			return nil, err
		}
		l.Employed = employed != 0
		if n := len(out); firstPerUser && n > 0 && out[n-1].UserID == l.UserID {
			continue
		}
		out = append(out, l)
	}
	return out, rows.Err()
}
