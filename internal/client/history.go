package client

import (
	"context"
	"net/url"

	"github.com/reconi/reconi/internal/reconi"
)

func (c *Client) History(ctx context.Context, f reconi.HistoryFilter) (*reconi.EventPage, error) {
	q := url.Values{}
	setPage(q, f.Cursor, f.Limit)
	var page reconi.EventPage
	if err := c.get(ctx, appPath(f.ApplicationID, "/history"), q, &page); err != nil {
		return nil, err
	}
	return &page, nil
}
