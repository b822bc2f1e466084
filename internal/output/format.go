package output

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"

	"github.com/itchyny/gojq"

	"gopkg.in/yaml.v3"
)

// Format is the value of -o/--output.
type Format string

const (
	FormatTable Format = "table"
	FormatJSON  Format = "json"
	FormatYAML  Format = "yaml"
	FormatCSV   Format = "csv"
)

// Formats lists the accepted -o/--output values, for help text and completion.
func Formats() []string {
	return []string{string(FormatTable), string(FormatJSON), string(FormatYAML), string(FormatCSV)}
}

// ParseFormat validates an -o/--output value; the empty string means table.
func ParseFormat(s string) (Format, error) {
	if s == "" {
		return FormatTable, nil
	}
	if !slices.Contains(Formats(), s) {
		return "", fmt.Errorf("invalid value %q for -o/--output: want one of %s", s, strings.Join(Formats(), ", "))
	}
	return Format(s), nil
}

// Print writes data to ios.Out in format f. The machine formats are all derived from data's JSON
// encoding, so the json tags of the domain types are the one documented set of field names:
//
//   - json: indented, HTML characters not escaped, a nil slice printed as [].
//   - yaml: the same document and key order as json.
//   - csv: one row per element of a list (or a single row for an object). Columns are the JSON
//     field names, nested objects flattened as "organization.kvk", lists of scalars joined with
//     ";", lists holding objects or lists written as compact JSON in one cell, null as "".
//     The header row comes first and is printed even for an empty list of structs.
//   - table: tbl fills a Table, which renders itself for a terminal or for a pipe.
func Print(ios *IOStreams, f Format, data any, tbl func(*Table)) error {
	switch f {
	case FormatJSON:
		return writeJSON(ios.Out, data)
	case FormatYAML:
		return writeYAML(ios.Out, data)
	case FormatCSV:
		return writeCSV(ios.Out, data)
	case FormatTable, "":
		if tbl == nil {
			return errors.New("table output is not available here; use -o json, yaml or csv")
		}
		t := NewTable(ios)
		tbl(t)
		return t.Render()
	}
	return fmt.Errorf("unknown output format %q", f)
}

// JQError is a --jq expression that failed on the data (`.[]` of an
// object, say): a mistake in the flag, as one that does not parse is.
type JQError struct{ Err error }

func (e *JQError) Error() string { return "--jq: " + e.Err.Error() }
func (e *JQError) Unwrap() error { return e.Err }

// PrintJQ filters data's JSON encoding through the jq expression expr and prints each result on
// its own line: strings raw, everything else as compact JSON (as gh --jq does).
func PrintJQ(ios *IOStreams, data any, expr string) error {
	query, err := gojq.Parse(expr)
	if err != nil {
		return fmt.Errorf("invalid --jq expression: %w", err)
	}
	code, err := gojq.Compile(query)
	if err != nil {
		return fmt.Errorf("invalid --jq expression: %w", err)
	}
	b, err := marshalJSON(data)
	if err != nil {
		return err
	}
	var input any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber() // keep large ids and amounts exact
	if err := dec.Decode(&input); err != nil {
		return err
	}

	var buf bytes.Buffer
	iter := code.Run(input)
	for {
		v, ok := iter.Next()
		if !ok {
			break
		}
		if err, ok := v.(error); ok {
			var halt *gojq.HaltError
			if errors.As(err, &halt) && halt.Value() == nil {
				break
			}
			return &JQError{Err: err}
		}
		if s, ok := v.(string); ok {
			buf.WriteString(s)
		} else {
			out, _ := gojq.Marshal(v)
			buf.Write(out)
		}
		buf.WriteByte('\n')
	}
	// Nothing is written when the expression fails halfway, so no half output reaches a script.
	_, err = ios.Out.Write(buf.Bytes())
	return err
}

// marshalJSON is json.Marshal without HTML escaping ("<" and "€" stay as they are) and with a nil
// slice encoded as [] rather than null: a list command with no results still prints a list.
func marshalJSON(data any) ([]byte, error) {
	if v := reflect.ValueOf(data); v.Kind() == reflect.Slice && v.IsNil() {
		data = []any{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(data); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

func writeJSON(w io.Writer, data any) error {
	b, err := marshalJSON(data)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, b, "", "  "); err != nil {
		return err
	}
	buf.WriteByte('\n')
	_, err = w.Write(buf.Bytes())
	return err
}

func writeYAML(w io.Writer, data any) error {
	doc, err := decodeOrdered(data)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(yamlNode(doc)); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
	return err
}

func yamlNode(v any) *yaml.Node {
	switch v := v.(type) {
	case object:
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		for _, m := range v {
			n.Content = append(n.Content, yamlNode(m.key), yamlNode(m.value))
		}
		return n
	case []any:
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for _, e := range v {
			n.Content = append(n.Content, yamlNode(e))
		}
		return n
	case string:
		// Let yaml.v3 pick the style, so "123", "null" and YAML 1.1 booleans like "yes" are quoted
		// and multi-line text becomes a literal block.
		n := &yaml.Node{}
		_ = n.Encode(v)
		return n
	default: // json.Number, bool, nil: their JSON text is also plain YAML
		return &yaml.Node{Kind: yaml.ScalarNode, Value: scalarText(v, "null")}
	}
}
