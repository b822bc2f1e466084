package client

import (
	"context"
	"net/http"

	"github.com/reconi/reconi/internal/reconi"
)

func (c *Client) Cancel(ctx context.Context, appID int64, email, reason string) (*reconi.Application, error) {
	var a reconi.Application
	if err := c.do(ctx, http.MethodPost, appPath(appID, "/cancel"), nil, map[string]string{"email": email, "reason": reason}, &a); err != nil {
		return nil, err
	}
	return &a, nil
}
