package client

import (
	"context"
	"net/http"
	"net/url"

	"github.com/reconi/reconi/internal/reconi"
)

func (c *Client) RegisterOrganization(ctx context.Context, in reconi.NewOrganization) (*reconi.Organization, error) {
	var o reconi.Organization
	if err := c.do(ctx, http.MethodPost, "/v1/organizations", nil, in, &o); err != nil {
		return nil, err
	}
	return &o, nil
}

func (c *Client) Organizations(ctx context.Context) ([]reconi.Organization, error) {
	var out []reconi.Organization
	err := c.get(ctx, "/v1/organizations", nil, &out)
	return out, err
}

func (c *Client) Organization(ctx context.Context, kvk reconi.KVK) (*reconi.Organization, error) {
	var o reconi.Organization
	if err := c.get(ctx, "/v1/organizations/"+url.PathEscape(string(kvk)), nil, &o); err != nil {
		return nil, err
	}
	return &o, nil
}
