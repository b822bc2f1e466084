package client

import (
	"context"

	"github.com/reconi/reconi/internal/reconi"
)

func (c *Client) History(ctx context.Context, appID int64) ([]reconi.Event, error) {
	var out []reconi.Event
	err := c.get(ctx, appPath(appID, "/history"), nil, &out)
	return out, err
}
