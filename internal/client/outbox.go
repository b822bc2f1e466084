package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/reconi/reconi/internal/reconi"
)

func (c *Client) Outbox(ctx context.Context, f reconi.OutboxFilter) (*reconi.MessagePage, error) {
	q := url.Values{}
	setIf(q, "to", f.To)
	setIf(q, "channel", f.Channel)
	setIf(q, "state", f.State)
	if f.ApplicationID != 0 {
		q.Set("application_id", strconv.FormatInt(f.ApplicationID, 10))
	}
	setPage(q, f.Cursor, f.Limit)
	var page reconi.MessagePage
	if err := c.get(ctx, "/v1/outbox", q, &page); err != nil {
		return nil, err
	}
	return &page, nil
}

func (c *Client) RetryMessages(ctx context.Context, ids []int64) ([]reconi.Message, error) {
	var out []reconi.Message
	if err := c.do(ctx, http.MethodPost, "/v1/outbox/retry", nil, map[string][]int64{"ids": ids}, &out); err != nil {
		return nil, err
	}
	return out, nil
}

func (c *Client) Message(ctx context.Context, id int64) (*reconi.Message, error) {
	var m reconi.Message
	if err := c.get(ctx, "/v1/outbox/"+strconv.FormatInt(id, 10), nil, &m); err != nil {
		return nil, err
	}
	return &m, nil
}
