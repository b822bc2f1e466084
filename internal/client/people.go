package client

import (
	"context"
	"net/url"

	"github.com/reconi/reconi/internal/reconi"
)

func (c *Client) Person(ctx context.Context, email, kvk string) (*reconi.Person, error) {
	q := url.Values{}
	setIf(q, "kvk", kvk)
	var p reconi.Person
	if err := c.get(ctx, "/v1/people/"+url.PathEscape(email), q, &p); err != nil {
		return nil, err
	}
	return &p, nil
}
