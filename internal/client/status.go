package client

import (
	"context"
	"net/url"

	"github.com/reconi/reconi/internal/reconi"
)

func (c *Client) Applications(ctx context.Context, f reconi.ApplicationFilter) (*reconi.ApplicationPage, error) {
	q := url.Values{}
	setIf(q, "kvk", f.KVK)
	setIf(q, "state", f.State)
	setIf(q, "email", f.Email)
	if f.Open {
		q.Set("open", "true")
	}
	if f.NoDrafts {
		q.Set("no_drafts", "true")
	}
	setIf(q, "idempotency_key", f.IdempotencyKey)
	setPage(q, f.Cursor, f.Limit)
	var page reconi.ApplicationPage
	if err := c.get(ctx, "/v1/applications", q, &page); err != nil {
		return nil, err
	}
	return &page, nil
}
