package httpapi_test

import (
	"net/http"
	"os"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/reconi/reconi/internal/httpapi"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/service"
)

// openAPIPath is the document the tests below keep in step with the
// handlers.
const openAPIPath = "../../docs/openapi.yaml"

// openAPI is as much of an OpenAPI 3.1 document as the checks need.
type openAPI struct {
	OpenAPI    string                          `yaml:"openapi"`
	Security   []map[string][]string           `yaml:"security"`
	Paths      map[string]map[string]yaml.Node `yaml:"paths"`
	Components struct {
		Schemas    map[string]*schema    `yaml:"schemas"`
		Parameters map[string]*parameter `yaml:"parameters"`
	} `yaml:"components"`
	// raw is the whole document, for the $ref check.
	raw map[string]any
}

type schema struct {
	Ref        string             `yaml:"$ref"`
	Type       any                `yaml:"type"`
	Enum       []any              `yaml:"enum"`
	OneOf      []*schema          `yaml:"oneOf"`
	Items      *schema            `yaml:"items"`
	Properties map[string]*schema `yaml:"properties"`
	Required   []string           `yaml:"required"`
	// AdditionalProperties is false for request bodies the server decodes
	// strictly (or a schema for maps).
	AdditionalProperties any `yaml:"additionalProperties"`
}

type parameter struct {
	Ref      string `yaml:"$ref"`
	Name     string `yaml:"name"`
	In       string `yaml:"in"`
	Required bool   `yaml:"required"`
}

type operation struct {
	Parameters  []parameter            `yaml:"parameters"`
	Security    *[]map[string][]string `yaml:"security"`
	RequestBody *struct {
		Ref     string `yaml:"$ref"`
		Content map[string]struct {
			Schema *schema `yaml:"schema"`
		} `yaml:"content"`
	} `yaml:"requestBody"`
	Responses map[string]struct {
		Ref     string               `yaml:"$ref"`
		Headers map[string]yaml.Node `yaml:"headers"`
	} `yaml:"responses"`
}

var httpMethods = []string{"get", "put", "post", "delete", "patch", "head", "options", "trace"}

func loadOpenAPI(t *testing.T) *openAPI {
	t.Helper()
	b, err := os.ReadFile(openAPIPath)
	if err != nil {
		t.Fatal(err)
	}
	var doc openAPI
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s: %v", openAPIPath, err)
	}
	if err := yaml.Unmarshal(b, &doc.raw); err != nil {
		t.Fatal(err)
	}
	return &doc
}

// operations returns every "METHOD /path" of the document.
func (d *openAPI) operations(t *testing.T) map[string]*operation {
	t.Helper()
	out := map[string]*operation{}
	for path, item := range d.Paths {
		for method, node := range item {
			if !slices.Contains(httpMethods, method) {
				continue
			}
			var op operation
			if err := node.Decode(&op); err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
			out[strings.ToUpper(method)+" "+path] = &op
		}
	}
	return out
}

// public reports whether an operation needs no credential at all.
func (op *operation) public() bool { return op.Security != nil && len(*op.Security) == 0 }

// bearer reports whether an operation needs an API token.
func (op *operation) bearer() bool {
	if op.Security == nil {
		return true // the document's default
	}
	return slices.ContainsFunc(*op.Security, func(s map[string][]string) bool { _, ok := s["bearerAuth"]; return ok })
}

// outsideServer are endpoints under /v1 that serve mounts next to
// Server.Handler, with their own credentials: the document describes them,
// Server.Routes does not list them.
var outsideServer = []string{"POST " + httpapi.CallbackPath}

func (d *openAPI) param(p parameter) parameter {
	if name, ok := strings.CutPrefix(p.Ref, "#/components/parameters/"); ok {
		if q := d.Components.Parameters[name]; q != nil {
			return *q
		}
	}
	return p
}

func (d *openAPI) resolve(s *schema) *schema {
	for s != nil && s.Ref != "" {
		s = d.Components.Schemas[strings.TrimPrefix(s.Ref, "#/components/schemas/")]
	}
	return s
}

// goPattern turns a net/http route pattern's path into OpenAPI's: the
// same {name} syntax, without a trailing wildcard's "..." (and no {$}).
var wildcard = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*)(\.\.\.)?\}`)

func openAPIPathOf(t *testing.T, goPath string) string {
	if strings.Contains(goPath, "{$}") {
		t.Errorf("%s: {$} has no OpenAPI equivalent; describe it in the test", goPath)
	}
	return wildcard.ReplaceAllString(goPath, "{$1}")
}

// TestOpenAPIRoutes: docs/openapi.yaml describes every route of the server
// and nothing else.
func TestOpenAPIRoutes(t *testing.T) {
	doc := loadOpenAPI(t)
	if !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Errorf("openapi: %q, want 3.1.x", doc.OpenAPI)
	}
	// Routes are listed when the server is built; nothing is served here.
	srv := httpapi.New((*service.Service)(nil), nil, httpapi.Options{})
	want := map[string]bool{"GET /healthz": true, "GET /readyz": true}
	for _, name := range outsideServer {
		want[name] = true
	}
	for _, r := range srv.Routes() {
		want[r.Method+" "+openAPIPathOf(t, r.Path)] = true
	}
	ops := doc.operations(t)
	for name := range want {
		if ops[name] == nil {
			t.Errorf("%s is served but not in %s", name, openAPIPath)
		}
	}
	for name := range ops {
		if !want[name] {
			t.Errorf("%s is in %s but not served", name, openAPIPath)
		}
	}

	for name, op := range ops {
		method, path, _ := strings.Cut(name, " ")
		// Every {name} of the path is a required path parameter.
		declared := map[string]bool{}
		for _, p := range op.Parameters {
			if p := doc.param(p); p.In == "path" {
				if !p.Required {
					t.Errorf("%s: path parameter %s is not required", name, p.Name)
				}
				declared[p.Name] = true
			}
		}
		for _, m := range wildcard.FindAllStringSubmatch(path, -1) {
			if !declared[m[1]] {
				t.Errorf("%s: path parameter {%s} is not declared", name, m[1])
			}
			delete(declared, m[1])
		}
		for p := range declared {
			t.Errorf("%s: path parameter %s is not in the path", name, p)
		}
		// Every mutating request that needs a token may carry an
		// Idempotency-Key, and its success may be a replay.
		mutating := method != "GET" && method != "HEAD"
		hasKey := slices.ContainsFunc(op.Parameters, func(p parameter) bool {
			p = doc.param(p)
			return p.In == "header" && p.Name == httpapi.IdempotencyHeader
		})
		if mutating && op.bearer() {
			if !hasKey {
				t.Errorf("%s: no %s parameter", name, httpapi.IdempotencyHeader)
			}
			if _, ok := op.Responses["503"]; !ok {
				t.Errorf("%s: no 503 response (an Idempotency-Key in flight)", name)
			}
			for code, r := range op.Responses {
				if code[0] == '2' && r.Headers["Idempotent-Replayed"].Kind == 0 {
					t.Errorf("%s %s: no Idempotent-Replayed header", name, code)
				}
			}
		} else if hasKey {
			t.Errorf("%s: %s on a request the server does not make idempotent", name, httpapi.IdempotencyHeader)
		}
		var ok2xx []string
		for code := range op.Responses {
			if code[0] == '2' {
				ok2xx = append(ok2xx, code)
			}
		}
		if len(ok2xx) != 1 {
			t.Errorf("%s: success responses %v, want exactly one", name, ok2xx)
		}
		if !op.public() {
			if _, ok := op.Responses["401"]; !ok {
				t.Errorf("%s needs a token but has no 401 response", name)
			}
		}
	}
	if len(doc.Security) != 1 || doc.Security[0]["bearerAuth"] == nil {
		t.Errorf("security: %v, want bearerAuth for every operation not marked security: []", doc.Security)
	}
}

// TestOpenAPIRefs: every $ref points into the document.
func TestOpenAPIRefs(t *testing.T) {
	doc := loadOpenAPI(t)
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if ref, ok := x.(string); ok && k == "$ref" {
					if !resolves(doc.raw, ref) {
						t.Errorf("%s: $ref %s points nowhere", path, ref)
					}
				}
				walk(path+"/"+k, x)
			}
		case []any:
			for _, x := range v {
				walk(path, x)
			}
		}
	}
	walk("", doc.raw)
}

func resolves(raw map[string]any, ref string) bool {
	rest, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return false
	}
	var cur any = raw
	for _, part := range strings.Split(rest, "/") {
		m, ok := cur.(map[string]any)
		if !ok {
			return false
		}
		if cur, ok = m[part]; !ok {
			return false
		}
	}
	return true
}

// TestOpenAPISecurity: the operations marked security: [] are exactly those
// the server answers without a token, checked against the server itself.
func TestOpenAPISecurity(t *testing.T) {
	doc := loadOpenAPI(t)
	e := newEnv(t)
	for name, op := range doc.operations(t) {
		if slices.Contains(outsideServer, name) {
			continue // its own tests check its signature
		}
		method, path, _ := strings.Cut(name, " ")
		path = strings.NewReplacer("{id}", "1", "{kvk}", orgA, "{token}", "not-a-token", "{email}", "a@example.nl").Replace(path)
		resp, body := e.do("", request{method: method, path: path, body: "{}", contentType: "application/json"})
		if unauth := resp.StatusCode == http.StatusUnauthorized; unauth == op.public() {
			t.Errorf("%s: without a token the server answers %d (%s), the document says public=%t", name, resp.StatusCode, body, op.public())
		}
	}
}

// responseTypes are the schemas of what the server sends: their required
// properties are exactly the fields without omitempty. Request-only types
// (what the server decodes) document their own required fields.
var responseTypes = map[string]any{
	"Actor":                    reconi.Actor{},
	"Organization":             reconi.Organization{},
	"Branch":                   reconi.Branch{},
	"OrgRef":                   reconi.OrgRef{},
	"Provider":                 reconi.Provider{},
	"Service":                  reconi.Service{},
	"Catalogue":                reconi.Catalogue{},
	"PriceList":                reconi.PriceList{},
	"IdentificationPriceTable": reconi.IdentificationPriceTable{},
	"Terms":                    reconi.Terms{},
	"Application":              reconi.Application{},
	"ApplicationSummary":       reconi.ApplicationSummary{},
	"User":                     reconi.User{},
	"Permissions":              reconi.Permissions{},
	"Quote":                    reconi.Quote{},
	"QuoteLine":                reconi.QuoteLine{},
	"TermsAgreement":           reconi.TermsAgreement{},
	"Event":                    reconi.Event{},
	"ImportResult":             reconi.ImportResult{},
	"Invitation":               reconi.Invitation{},
	"Review":                   reconi.Review{},
	"Message":                  reconi.Message{},
	"Means":                    reconi.Means{},
	"MeansPermission":          reconi.MeansPermission{},
	"MeansPage":                reconi.MeansPage{},
	"UserPage":                 reconi.UserPage{},
	"ApplicationPage":          reconi.ApplicationPage{},
	"EventPage":                reconi.EventPage{},
	"MessagePage":              reconi.MessagePage{},
	"WithdrawResult":           reconi.WithdrawResult{},
	"Person":                   reconi.Person{},
	"PersonRequest":            reconi.PersonRequest{},
	"Delivery":                 reconi.Delivery{},
	"Error":                    reconi.Error{},
	"RowError":                 reconi.RowError{},
	"ErrorBody":                httpapi.ErrorBody{},
}

var requestTypes = map[string]any{
	"NewOrganization":  reconi.NewOrganization{},
	"NewDraft":         reconi.NewDraft{},
	"NewUser":          reconi.NewUser{},
	"UserRow":          reconi.UserRow{},
	"PermissionsInput": reconi.PermissionsInput{},
	"Submission":       reconi.Submission{},
	"Withdrawal":       reconi.Withdrawal{},
}

// lenientRequestTypes are decoded without refusing unknown fields.
var lenientRequestTypes = map[string]any{
	"IdentificationCallbackBody": httpapi.IdentificationCallbackBody{},
}

// jsonFields returns the JSON names of a struct's fields, and which of them
// are always sent.
func jsonFields(t reflect.Type) (names []string, always []string) {
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		if f.Anonymous && tag == "" && f.Type.Kind() == reflect.Struct {
			// An embedded struct's fields are the outer struct's.
			n, a := jsonFields(f.Type)
			names, always = append(names, n...), append(always, a...)
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		names = append(names, name)
		if !slices.Contains(strings.Split(opts, ","), "omitempty") && !slices.Contains(strings.Split(opts, ","), "omitzero") {
			always = append(always, name)
		}
	}
	sort.Strings(names)
	sort.Strings(always)
	return names, always
}

// TestOpenAPISchemas: the component schemas have the JSON field names of
// the domain types, both ways, so that a renamed field fails here.
func TestOpenAPISchemas(t *testing.T) {
	doc := loadOpenAPI(t)
	check := func(name string, v any, response, strict bool) {
		s := doc.Components.Schemas[name]
		if s == nil {
			t.Errorf("schema %s is missing", name)
			return
		}
		var props []string
		for p := range s.Properties {
			props = append(props, p)
		}
		sort.Strings(props)
		fields, always := jsonFields(reflect.TypeOf(v))
		for _, f := range fields {
			if !slices.Contains(props, f) {
				t.Errorf("%s: %T has field %q, the schema does not", name, v, f)
			}
		}
		for _, p := range props {
			if !slices.Contains(fields, p) {
				t.Errorf("%s: the schema has property %q, %T has no such json tag", name, p, v)
			}
		}
		req := slices.Sorted(slices.Values(s.Required))
		for _, r := range req {
			if !slices.Contains(props, r) {
				t.Errorf("%s: required %q is not a property", name, r)
			}
		}
		if response && !slices.Equal(req, always) {
			t.Errorf("%s: required %v, want the fields sent always (no omitempty) %v", name, req, always)
		}
		if strict && s.AdditionalProperties != false {
			t.Errorf("%s: the server refuses unknown fields: say additionalProperties: false", name)
		}
	}
	for name, v := range responseTypes {
		check(name, v, true, false)
	}
	for name, v := range requestTypes {
		check(name, v, false, true)
	}
	for name, v := range lenientRequestTypes {
		check(name, v, false, false)
	}
}

// TestOpenAPIRequestBodies: every property the document lists for a JSON
// request body is one the handler decodes; the server refuses unknown
// fields, so a property that is not in the Go struct (named or not) shows
// up as "unknown field".
func TestOpenAPIRequestBodies(t *testing.T) {
	doc := loadOpenAPI(t)
	e := newEnv(t)
	e.register(orgA, "Org A B.V.")
	tok := e.token("operator")
	for name, op := range doc.operations(t) {
		if op.RequestBody == nil || op.RequestBody.Ref != "" || slices.Contains(outsideServer, name) {
			continue
		}
		c, ok := op.RequestBody.Content["application/json"]
		if !ok {
			continue
		}
		s := doc.resolve(c.Schema)
		if s.AdditionalProperties != false {
			t.Errorf("%s: the server refuses unknown fields: say additionalProperties: false", name)
		}
		body := map[string]any{}
		for p, ps := range s.Properties {
			body[p] = doc.example(ps)
		}
		method, path, _ := strings.Cut(name, " ")
		path = strings.NewReplacer("{id}", "1", "{kvk}", orgA, "{token}", "not-a-token", "{email}", "a@example.nl").Replace(path)
		resp, b := e.do(tok, request{method: method, path: path, body: body})
		if resp.StatusCode == http.StatusBadRequest && strings.Contains(string(b), "not valid JSON") {
			t.Errorf("%s: the handler does not take the documented body %v: %s", name, body, b)
		}
	}
}

// example returns a value of the schema's type.
func (d *openAPI) example(s *schema) any {
	s = d.resolve(s)
	if len(s.OneOf) > 0 {
		return d.example(s.OneOf[0])
	}
	if len(s.Enum) > 0 {
		return s.Enum[0]
	}
	typ := s.Type
	if list, ok := typ.([]any); ok && len(list) > 0 {
		typ = list[0]
	}
	switch typ {
	case "boolean":
		return false
	case "integer", "number":
		return 1
	case "array":
		return []any{}
	case "object":
		return map[string]any{}
	}
	return "x"
}
