package output

import (
	"strings"
	"testing"
)

type testOrg struct {
	KVK  string `json:"kvk"`
	Name string `json:"name"`
}

// Field order is deliberately not alphabetical: every format must keep it.
type testUser struct {
	Name    string    `json:"name"`
	ID      int64     `json:"id"`
	Org     *testOrg  `json:"organization"`
	Tags    []string  `json:"tags"`
	Members []testOrg `json:"members,omitempty"`
	Active  bool      `json:"active"`
	Note    string    `json:"note,omitempty"`
}

var testUsers = []testUser{
	{Name: "Zoë <admin>", ID: 1, Org: &testOrg{KVK: "12345678", Name: "Acme € BV"}, Tags: []string{"a", "b"}, Active: true},
	{Name: "Bob", ID: 9007199254740993, Members: []testOrg{{KVK: "1", Name: "x"}}, Note: "yes"},
}

func TestParseFormat(t *testing.T) {
	tests := []struct {
		in      string
		want    Format
		wantErr string
	}{
		{in: "", want: FormatTable},
		{in: "table", want: FormatTable},
		{in: "json", want: FormatJSON},
		{in: "yaml", want: FormatYAML},
		{in: "csv", want: FormatCSV},
		{in: "xml", wantErr: `invalid value "xml" for -o/--output: want one of table, json, yaml, csv`},
		{in: "JSON", wantErr: `invalid value "JSON" for -o/--output: want one of table, json, yaml, csv`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseFormat(tt.in)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseFormat(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestPrint(t *testing.T) {
	tests := []struct {
		name   string
		format Format
		data   any
		want   string
	}{
		{
			name:   "json",
			format: FormatJSON,
			data:   testUsers[:1],
			want: `[
  {
    "name": "Zoë <admin>",
    "id": 1,
    "organization": {
      "kvk": "12345678",
      "name": "Acme € BV"
    },
    "tags": [
      "a",
      "b"
    ],
    "active": true
  }
]
`,
		},
		{name: "json nil list", format: FormatJSON, data: []testUser(nil), want: "[]\n"},
		{name: "json object", format: FormatJSON, data: testOrg{KVK: "1", Name: "a&b"}, want: "{\n  \"kvk\": \"1\",\n  \"name\": \"a&b\"\n}\n"},
		{
			name:   "yaml",
			format: FormatYAML,
			data:   testUsers,
			want: `- name: Zoë <admin>
  id: 1
  organization:
    kvk: "12345678"
    name: Acme € BV
  tags:
    - a
    - b
  active: true
- name: Bob
  id: 9007199254740993
  organization: null
  tags: null
  members:
    - kvk: "1"
      name: x
  active: false
  note: "yes"
`,
		},
		{name: "yaml nil list", format: FormatYAML, data: []testUser(nil), want: "[]\n"},
		{
			name:   "yaml multi-line string",
			format: FormatYAML,
			data:   map[string]string{"note": "line one\nline two"},
			want:   "note: |-\n  line one\n  line two\n",
		},
		{
			name:   "csv",
			format: FormatCSV,
			data:   testUsers,
			want: `name,id,organization.kvk,organization.name,tags,members,active,note
Zoë <admin>,1,12345678,Acme € BV,a;b,,true,
Bob,9007199254740993,,,,"[{""kvk"":""1"",""name"":""x""}]",false,yes
`,
		},
		{
			// The header comes from the element type, omitempty fields included: columns do not
			// depend on the rows.
			name:   "csv empty list",
			format: FormatCSV,
			data:   []testUser{},
			want:   "name,id,organization.kvk,organization.name,tags,active,note\n",
		},
		{
			name:   "csv nil pointer only",
			format: FormatCSV,
			data:   []*testUser{{Name: "Ann", ID: 2}},
			want:   "name,id,organization.kvk,organization.name,tags,active,note\nAnn,2,,,,false,\n",
		},
		{
			name:   "csv single object",
			format: FormatCSV,
			data:   testOrg{KVK: "1", Name: "Smith, Jones & Co"},
			want:   "kvk,name\n1,\"Smith, Jones & Co\"\n",
		},
		{
			name:   "csv list of maps",
			format: FormatCSV,
			data: []map[string]any{
				{"b": 1, "a": map[string]any{"y": "Y", "x": nil}},
				{"b": 2, "c": []int{1, 2}},
			},
			want: "a.x,a.y,b,c\n,Y,1,\n,,2,1;2\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, out, errOut := Test()
			if err := Print(ios, tt.format, tt.data, nil); err != nil {
				t.Fatal(err)
			}
			if got := out.String(); got != tt.want {
				t.Errorf("stdout:\n%s\nwant:\n%s", got, tt.want)
			}
			if errOut.Len() != 0 {
				t.Errorf("stderr = %q, want nothing", errOut)
			}
		})
	}
}

func TestPrintErrors(t *testing.T) {
	tests := []struct {
		name    string
		format  Format
		data    any
		wantErr string
	}{
		{name: "csv of a scalar", format: FormatCSV, data: 42, wantErr: "-o csv needs a list or an object"},
		{name: "csv of a list of scalars", format: FormatCSV, data: []string{"a"}, wantErr: "-o csv needs a list of objects"},
		{name: "table without a table", format: FormatTable, data: testUsers, wantErr: "table output is not available here; use -o json, yaml or csv"},
		{name: "unknown format", format: "xml", data: testUsers, wantErr: `unknown output format "xml"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := Test()
			err := Print(ios, tt.format, tt.data, nil)
			if err == nil || err.Error() != tt.wantErr {
				t.Fatalf("error = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestPrintTable(t *testing.T) {
	ios, _, out, _ := Test()
	err := Print(ios, FormatTable, testUsers, func(tbl *Table) {
		tbl.AddHeader("id", "name")
		for _, u := range testUsers[:1] {
			tbl.AddRow("1", u.Name)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "1\tZoë <admin>\n"; got != want {
		t.Errorf("stdout = %q, want %q", got, want)
	}
}

func TestPrintJQ(t *testing.T) {
	tests := []struct {
		name    string
		expr    string
		want    string
		wantErr string
	}{
		{name: "strings are raw", expr: ".[].name", want: "Zoë <admin>\nBob\n"},
		{name: "objects are compact JSON", expr: ".[0].organization", want: `{"kvk":"12345678","name":"Acme € BV"}` + "\n"},
		{name: "large numbers stay exact", expr: ".[1].id", want: "9007199254740993\n"},
		{name: "null and bool", expr: ".[1].organization, .[1].active", want: "null\nfalse\n"},
		{name: "arrays", expr: "[.[].id]", want: "[1,9007199254740993]\n"},
		{name: "no results", expr: "empty", want: ""},
		{name: "syntax error", expr: ".[] |", wantErr: "invalid --jq expression: unexpected EOF"},
		{name: "unknown function", expr: "nope(1)", wantErr: "invalid --jq expression: function not defined: nope/1"},
		{name: "runtime error", expr: ".[].name.first", wantErr: `--jq: expected an object but got: string ("Zoë <admin>")`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, out, _ := Test()
			err := PrintJQ(ios, testUsers, tt.expr)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				if out.Len() != 0 {
					t.Errorf("stdout = %q, want nothing after an error", out)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := out.String(); got != tt.want {
				t.Errorf("stdout = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFormats(t *testing.T) {
	if got, want := strings.Join(Formats(), ","), "table,json,yaml,csv"; got != want {
		t.Errorf("Formats() = %s, want %s", got, want)
	}
}
