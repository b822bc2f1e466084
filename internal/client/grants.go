package client

import (
	"context"
	"net/http"

	"github.com/reconi/reconi/internal/reconi"
)

func (c *Client) CreateGrant(ctx context.Context, in reconi.NewGrant) (*reconi.Application, error) {
	var out reconi.Application
	if err := c.do(ctx, http.MethodPost, "/v1/grants", nil, in, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

func (c *Client) WithdrawPermissions(ctx context.Context, in reconi.PermissionWithdrawal) (*reconi.PermissionWithdrawResult, error) {
	var out reconi.PermissionWithdrawResult
	if err := c.do(ctx, http.MethodPost, "/v1/permissions/withdraw", nil, in, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
