package client

import (
	"context"
	"net/http"

	"github.com/reconi/reconi/internal/reconi"
)

func (c *Client) CreateRenewal(ctx context.Context, in reconi.NewRenewal) (*reconi.Application, error) {
	var out reconi.Application
	if err := c.do(ctx, http.MethodPost, "/v1/renewals", nil, in, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
