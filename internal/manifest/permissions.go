package manifest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/reconi/reconi/internal/reconi"
)

// checkPermissions refuses, before anything is planned, the permissions of
// m that applying would have refused at step 9: providers and services not
// in b's catalogue, a service the manifest's level or branch cannot use, a
// provider none of whose services it can. It returns the ServiceUUIDs of
// the manifest's services, in order.
func checkPermissions(ctx context.Context, b reconi.Backend, m *Manifest) ([]reconi.ServiceUUID, error) {
	in := m.Permissions
	if !in.Direct || in.AllServices || len(in.Providers)+len(in.Services) == 0 {
		return nil, nil
	}
	svcs, err := b.Services(ctx, reconi.ServiceFilter{})
	if err != nil {
		return nil, err
	}
	e := &Error{File: m.File}
	problem := func(path string, err error) {
		msg := err.Error()
		var re *reconi.Error
		if errors.As(err, &re) {
			msg = strings.TrimPrefix(re.Message, path+": ")
		}
		e.Problems = append(e.Problems, Problem{File: m.File, Path: path, Message: msg})
	}
	var names []string
	for _, s := range svcs {
		if !slices.Contains(names, s.Provider) {
			names = append(names, s.Provider)
		}
	}
	for i, name := range in.Providers {
		path := fmt.Sprintf("permissions.providers[%d]", i)
		k := slices.IndexFunc(names, func(n string) bool { return strings.EqualFold(n, strings.TrimSpace(name)) })
		if k < 0 {
			problem(path, fmt.Errorf("%q is not a provider with services in the catalogue: want one of %s", name, strings.Join(names, ", ")))
			continue
		}
		if _, err := reconi.CheckProvider(path, names[k], svcs, m.Level, m.Branch); err != nil {
			problem(path, err)
		}
	}
	var uuids []reconi.ServiceUUID
	for i, id := range in.Services {
		path := fmt.Sprintf("permissions.services[%d]", i)
		j := slices.IndexFunc(svcs, func(s reconi.Service) bool { return string(s.ID) == id })
		if j < 0 {
			problem(path, fmt.Errorf("%s is not in the service catalogue (reconi services list)", id))
			continue
		}
		if err := reconi.CheckService(path, svcs[j], m.Level, m.Branch); err != nil {
			problem(path, err)
		}
		uuids = append(uuids, svcs[j].UUID)
	}
	if len(e.Problems) > 0 {
		return nil, e
	}
	return uuids, nil
}
