package manifest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/reconi/reconi/internal/reconi"
	"gopkg.in/yaml.v3"
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
		e.Problems = append(e.Problems, Problem{File: m.File, Line: m.lines[path], Path: path, Message: msg})
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

func (p *parser) permissions(n *yaml.Node) reconi.PermissionsInput {
	in := reconi.PermissionsInput{Direct: true}
	if n.Kind != yaml.MappingNode {
		p.fail(n.Line, "permissions", "want a mapping with %s, not %s", strings.Join(permFields, ", "), kindName(n))
		return in
	}
	f := p.fields(n, "permissions", permFields)
	// boolean reads a yes/no field; ok is false when it is absent or bad.
	boolean := func(key string) (value, ok bool) {
		v := f[key]
		if v == nil {
			return false, false
		}
		s, ok := p.scalar(v, "permissions."+key)
		if !ok {
			return false, false
		}
		b, err := reconi.ParseBool(key, s)
		p.check(v.Line, "permissions."+key, err)
		return b, err == nil
	}
	if d, ok := boolean("direct"); ok {
		in.Direct = d
	}
	all, ok := boolean("all_services")
	in.AllServices = all
	if ok && !all {
		p.fail(f["all_services"].Line, "permissions.all_services", "false chooses nothing: leave it out and give providers or services, or direct: false")
	}
	in.Providers = p.list(f["providers"], "permissions.providers", func(s string) (string, error) { return s, nil })
	in.Services = p.list(f["services"], "permissions.services", func(s string) (string, error) {
		id, err := reconi.ParseServiceID(s)
		return string(id), err
	})

	var given []string
	if in.AllServices {
		given = append(given, "all_services")
	}
	if f["providers"] != nil {
		given = append(given, "providers")
	}
	if f["services"] != nil {
		given = append(given, "services")
	}
	switch {
	case !in.Direct && len(given) > 0:
		p.fail(n.Line, "permissions", "direct: false adds no permissions, so %s cannot be given with it", strings.Join(given, " and "))
	case in.Direct && len(given) == 0 && f["all_services"] == nil:
		p.fail(n.Line, "permissions", "choose what the users may use: all_services: true, providers (a list of names) or services (a list of ServiceIDs); or direct: false for nothing yet")
	case len(given) > 1:
		p.fail(n.Line, "permissions", "choose one of all_services, providers or services, not %s together", strings.Join(given, " and "))
	}
	return in
}
