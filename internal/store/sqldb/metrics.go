package sqldb

import "github.com/reconi/reconi/internal/reconi"

// OutboxDepth counts the outbox's messages by state, over the index
// outbox_due (state, next_attempt_at).
func (t *Tx) OutboxDepth() (map[reconi.MessageState]int, error) {
	rows, err := t.tx.Query(`SELECT state, COUNT(*) FROM outbox GROUP BY state`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[reconi.MessageState]int{}
	for rows.Next() {
		var s reconi.MessageState
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rows.Err()
}
