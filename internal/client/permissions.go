package client

import (
	"context"
	"net/http"

	"github.com/reconi/reconi/internal/reconi"
)

func (c *Client) SetPermissions(ctx context.Context, appID int64, in reconi.PermissionsInput) (*reconi.Application, error) {
	var a reconi.Application
	if err := c.do(ctx, http.MethodPut, appPath(appID, "/permissions"), nil, in, &a); err != nil {
		return nil, err
	}
	return &a, nil
}
