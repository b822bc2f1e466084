package manifest

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/reconi/reconi/internal/reconi"
)

// The fields of a manifest, in the order the documentation lists them.
var (
	topFields  = []string{"organization", "level", "branch", "users", "users_file", "permissions", "validity", "max_price", "notify_email"}
	userFields = []string{"first_name", "last_name", "email", "phone", "date_of_birth", "employed"}
	permFields = []string{"direct", "all_services", "providers", "services"}
)

// Fields lists the fields of a manifest, UserFields those of a user and
// PermissionFields those of permissions: every field the parser accepts.
func Fields() []string           { return slices.Clone(topFields) }
func UserFields() []string       { return slices.Clone(userFields) }
func PermissionFields() []string { return slices.Clone(permFields) }

// Options change how a manifest is read.
type Options struct {
	// Now bounds dates of birth.
	Now time.Time
	// AllowOutsideFiles lets users_file name any file: an absolute path,
	// or one that leaves the manifest's folder with .. or a symbolic link.
	// By default a manifest reads only files in its own folder or below,
	// so one handed over by someone else cannot make reconi read (and
	// report on) the operator's other files.
	AllowOutsideFiles bool
}

// Load reads and checks the manifest at path; users_file is read relative
// to the manifest's folder, and must stay inside it. now bounds dates of
// birth. A manifest with problems comes back as an *Error listing all of
// them.
func Load(path string, now time.Time) (*Manifest, error) {
	return LoadWith(path, Options{Now: now})
}

// LoadWith is Load with options.
func LoadWith(path string, opts Options) (*Manifest, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, reconi.Invalid("file", "%v", err)
	}
	return ParseWith(path, data, opts)
}

// Parse checks the manifest data read from file.
func Parse(file string, data []byte, now time.Time) (*Manifest, error) {
	return ParseWith(file, data, Options{Now: now})
}

// ParseWith is Parse with options. A users_file is looked for in file's
// folder, the working directory for "<stdin>".
func ParseWith(file string, data []byte, opts Options) (*Manifest, error) {
	p := &parser{file: file, now: opts.Now, allowOutside: opts.AllowOutsideFiles, seen: make(map[string]string)}
	m := p.parse(data)
	if len(p.problems) > 0 {
		// In file order: the manifest's problems by line, then the users
		// file's, whatever order the checks found them in.
		slices.SortStableFunc(p.problems, func(a, b Problem) int {
			if (a.File == file) != (b.File == file) {
				if a.File == file {
					return -1
				}
				return 1
			}
			return a.Line - b.Line
		})
		return nil, &Error{File: file, Problems: p.problems}
	}
	return m, nil
}

type parser struct {
	file         string
	now          time.Time
	allowOutside bool
	problems     []Problem
	// seen maps every email (in lower case) to where it was given first.
	seen map[string]string
	// lines records where list entries were written (Manifest.lines).
	lines map[string]int
}

func (p *parser) add(file string, line int, path, format string, args ...any) {
	p.problems = append(p.problems, Problem{File: file, Line: line, Path: path, Message: fmt.Sprintf(format, args...)})
}

// fail records a problem of the manifest itself.
func (p *parser) fail(line int, path, format string, args ...any) {
	p.add(p.file, line, path, format, args...)
}

// fieldPrefix matches the field name the domain's messages start with
// ("kvk: ", "email: "); the problem names the field by its path instead.
var fieldPrefix = regexp.MustCompile(`^[a-z_-]+: `)

// message is err's text for a problem that already names the field.
func message(err error) string {
	return fieldPrefix.ReplaceAllString(reconi.ErrorMessage(err), "")
}

// yamlLine finds the line in yaml.v3's syntax errors ("yaml: line 3: ...").
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

func (p *parser) parse(data []byte) *Manifest {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		msg := err.Error()
		line := 0
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = msg[len(m[0]):]
		}
		p.fail(line, "", "not valid YAML: %s", strings.TrimPrefix(msg, "yaml: "))
		return nil
	}
	if len(doc.Content) == 0 {
		p.fail(0, "", "the file is empty: want %s", strings.Join(topFields, ", "))
		return nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		p.fail(root.Line, "", "want a mapping of %s, not %s", strings.Join(topFields, ", "), kindName(root))
		return nil
	}
	f := p.fields(root, "", topFields)
	m := &Manifest{File: p.file}

	if v, line, ok := p.required(root, f, "organization", "the organisation's KvK number, like 69599084"); ok {
		kvk, err := reconi.ParseKVK(v)
		p.check(line, "organization", err)
		m.Organization = kvk
	}
	if v, line, ok := p.required(root, f, "level", "EH2, EH2+ or EH3"); ok {
		m.Level = p.level(line, v)
	}
	if v, line, ok := p.optional(f, "branch"); ok && v != "" {
		b, err := reconi.ParseBranch(v)
		p.check(line, "branch", err)
		m.Branch = b
	}
	before := len(p.problems)
	if n := f["users"]; n != nil {
		m.Users = p.users(n)
	}
	if v, line, ok := p.optional(f, "users_file"); ok {
		m.UsersFile = v
		m.Users = append(m.Users, p.usersFile(line, v)...)
	}
	if f["users"] == nil && f["users_file"] == nil {
		p.fail(root.Line, "users", "missing: give users (a list), users_file (a CSV file) or both")
	} else if len(m.Users) == 0 && len(p.problems) == before {
		p.fail(root.Line, "users", "no users: the manifest adds nobody")
	}
	if n := f["permissions"]; n != nil {
		m.Permissions = p.permissions(n)
		m.lines = p.lines
	} else {
		p.fail(root.Line, "permissions", "missing: want a mapping with all_services: true, providers, services or direct: false")
	}
	if v, line, ok := p.required(root, f, "validity", "1y, 3y or 5y"); ok {
		years, err := reconi.ParseValidity(v)
		p.check(line, "validity", err)
		m.Permissions.ValidityYears = years
	}
	if v, line, ok := p.optional(f, "max_price"); ok && v != "" {
		c, err := reconi.ParseEuros("max_price", v)
		p.check(line, "max_price", err)
		m.MaxPriceCents = &c
	}
	if v, line, ok := p.optional(f, "notify_email"); ok && v != "" {
		e, err := reconi.ParseEmail(v)
		p.check(line, "notify_email", err)
		m.NotifyEmail = e
	}
	return m
}

// check records err, if any, as a problem of the field at path.
func (p *parser) check(line int, path string, err error) {
	if err != nil {
		p.fail(line, path, "%s", message(err))
	}
}

// level parses the level as the add-users wizard offers it.
func (p *parser) level(line int, v string) reconi.Level {
	l, err := reconi.ParseLevel(v)
	switch {
	case err != nil && strings.Contains(reconi.ErrorMessage(err), "EH1"):
		p.check(line, "level", err)
	case err != nil:
		p.fail(line, "level", "%q is not an assurance level: want EH2, EH2+ or EH3", v)
	case l == reconi.EH4:
		p.fail(line, "level", "EH4 cannot be requested here: the legal representative and the authorization manager must appear in person; want EH2, EH2+ or EH3")
	}
	return l
}

// fields returns the values of a mapping by key, and records every key
// that is not one of known.
func (p *parser) fields(n *yaml.Node, path string, known []string) map[string]*yaml.Node {
	out := make(map[string]*yaml.Node)
	keyLine := make(map[string]int)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !slices.Contains(known, k.Value) {
			p.fail(k.Line, join(path, k.Value), "unknown field: want one of %s", strings.Join(known, ", "))
			continue
		}
		// yaml.v3 finds a key given twice only when decoding into Go
		// values, not into nodes.
		if first, dup := keyLine[k.Value]; dup {
			p.fail(k.Line, join(path, k.Value), "given twice: also on line %d", first)
			continue
		}
		keyLine[k.Value] = k.Line
		out[k.Value] = v
	}
	return out
}

// scalar returns the text of a single value; null reads as "". Anything
// else is recorded as a problem.
func (p *parser) scalar(n *yaml.Node, path string) (string, bool) {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind != yaml.ScalarNode {
		p.fail(n.Line, path, "want a single value, not %s", kindName(n))
		return "", false
	}
	if n.Tag == "!!null" {
		return "", true
	}
	return strings.TrimSpace(n.Value), true
}

// required returns a top-level field that must be there, with its line.
func (p *parser) required(root *yaml.Node, f map[string]*yaml.Node, key, want string) (string, int, bool) {
	n := f[key]
	if n == nil {
		p.fail(root.Line, key, "missing: want %s", want)
		return "", 0, false
	}
	v, ok := p.scalar(n, key)
	if ok && v == "" {
		p.fail(n.Line, key, "is empty: want %s", want)
		return "", 0, false
	}
	return v, n.Line, ok
}

// optional returns a top-level field that may be left out.
func (p *parser) optional(f map[string]*yaml.Node, key string) (string, int, bool) {
	n := f[key]
	if n == nil {
		return "", 0, false
	}
	v, ok := p.scalar(n, key)
	return v, n.Line, ok
}

// list reads a list of single values, each parsed by parse.
func (p *parser) list(n *yaml.Node, path string, parse func(string) (string, error)) []string {
	if n == nil {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		p.fail(n.Line, path, "want a list, not %s", kindName(n))
		return nil
	}
	if len(n.Content) == 0 {
		p.fail(n.Line, path, "is empty: name at least one")
		return nil
	}
	var out []string
	for i, e := range n.Content {
		at := fmt.Sprintf("%s[%d]", path, i)
		s, ok := p.scalar(e, at)
		if !ok {
			continue
		}
		if s == "" {
			p.fail(e.Line, at, "is empty")
			continue
		}
		v, err := parse(s)
		if err != nil {
			p.check(e.Line, at, err)
			continue
		}
		out = append(out, v)
		if p.lines == nil {
			p.lines = map[string]int{}
		}
		p.lines[at] = e.Line
	}
	return out
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("the value %q", n.Value)
	case yaml.AliasNode:
		return "an alias"
	}
	return "nothing"
}
