package client

import (
	"context"
	"net/http"
	"net/url"

	"github.com/reconi/reconi/internal/reconi"
)

func (c *Client) ListMeans(ctx context.Context, f reconi.MeansFilter) (*reconi.MeansPage, error) {
	q := url.Values{}
	setIf(q, "kvk", f.KVK)
	setIf(q, "email", f.Email)
	setIf(q, "state", string(f.State))
	if f.ExpiringWithin != 0 {
		q.Set("expiring_within", reconi.FormatWithin(f.ExpiringWithin))
	}
	setPage(q, f.Cursor, f.Limit)
	var page reconi.MeansPage
	if err := c.get(ctx, "/v1/means", q, &page); err != nil {
		return nil, err
	}
	return &page, nil
}

func (c *Client) ShowMeans(ctx context.Context, ref, kvk string) ([]reconi.Means, error) {
	q := url.Values{}
	setIf(q, "kvk", kvk)
	var out []reconi.Means
	err := c.get(ctx, "/v1/means/"+url.PathEscape(ref), q, &out)
	return out, err
}

func (c *Client) WithdrawMeans(ctx context.Context, in reconi.Withdrawal) (*reconi.WithdrawResult, error) {
	var out reconi.WithdrawResult
	if err := c.do(ctx, http.MethodPost, "/v1/means/withdraw", nil, in, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
