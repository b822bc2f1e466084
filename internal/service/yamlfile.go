package service

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/reconi/reconi/internal/reconi"
)

// decodeFile reads an operator's YAML (or JSON) file into v, refusing
// unknown fields. A value of the wrong type or an unknown field is a row
// error naming its line and its field ("means.EH3.1: want a whole number,
// not abc"), not the decoder's Go types; what is the file ("the price
// list") heads the error.
func decodeFile(what string, data []byte, v any) error {
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	err := dec.Decode(v)
	if err == nil {
		return nil
	}
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		// Syntax errors name their line already.
		return reconi.Invalid(what, "cannot read the file: %v", err)
	}
	var root yaml.Node
	_ = yaml.Unmarshal(data, &root)
	fields := map[int]string{}
	fieldLines(&root, "", fields)
	rows := make([]reconi.RowError, 0, len(te.Errors))
	for _, msg := range te.Errors {
		row := reconi.RowError{Message: msg}
		if m := yamlTypeError.FindStringSubmatch(msg); m != nil {
			fmt.Sscan(m[1], &row.Line)
			row.Field = fields[row.Line]
			row.Message = plainTypeError(m[2])
		}
		if row.Field == "" {
			row.Field = what
		}
		rows = append(rows, row)
	}
	return &reconi.Error{Kind: reconi.KindInvalid, Message: fmt.Sprintf("%s cannot be read; nothing was changed", what), Rows: rows}
}

var (
	yamlTypeError = regexp.MustCompile("^line ([0-9]+): (.*)$")
	yamlUnmarshal = regexp.MustCompile("^cannot unmarshal !!\\w+ `(.*)` into (.*)$")
	yamlUnknown   = regexp.MustCompile(`^field (.*) not found in type .*$`)
)

// plainTypeError says what the decoder's message means, in the file's
// terms rather than Go's.
func plainTypeError(msg string) string {
	if m := yamlUnknown.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("unknown field %q", m[1])
	}
	m := yamlUnmarshal.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	want := "a mapping"
	switch t := m[2]; {
	case strings.HasPrefix(t, "int"), strings.HasPrefix(t, "uint"):
		want = "a whole number"
	case t == "bool" || t == "*bool":
		want = "true or false"
	case t == "string" || strings.HasPrefix(t, "reconi."):
		want = "text"
	case strings.HasPrefix(t, "[]"):
		want = "a list"
	}
	return fmt.Sprintf("want %s, not %q", want, reconi.Excerpt(m[1]))
}

// fieldLines records, for each line that holds a key or a value, the path of
// the first field on it: "services[2].level", or "means.EH3" for a line
// "EH3: {1: 4500, 3: 9000}" (the decoder names lines, not columns).
func fieldLines(n *yaml.Node, path string, out map[int]string) {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			fieldLines(c, path, out)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := k.Value
			if path != "" {
				p = path + "." + k.Value
			}
			first(out, k.Line, p)
			if v.Kind == yaml.ScalarNode {
				first(out, v.Line, p)
			}
			fieldLines(v, p, out)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			if c.Kind == yaml.ScalarNode {
				first(out, c.Line, p)
			}
			fieldLines(c, p, out)
		}
	}
}

func first(out map[int]string, line int, path string) {
	if _, ok := out[line]; !ok {
		out[line] = path
	}
}
