package client

import (
	"context"
	"net/http"

	"github.com/reconi/reconi/internal/reconi"
)

func (c *Client) PriceList(ctx context.Context) (*reconi.PriceList, error) {
	var p reconi.PriceList
	if err := c.get(ctx, "/v1/prices", nil, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

func (c *Client) LoadPriceList(ctx context.Context, p reconi.PriceList) error {
	return c.do(ctx, http.MethodPut, "/v1/prices", nil, p, nil)
}
