package cli_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/test/cli/clitest"
)

// twoApplications returns a sandbox with draft 1 (EH3, branch-restricted,
// one user not employed) and application 2 (EH2+, two users, submitted;
// RVO for 3 years: 2 × €50 + 2 × €20 + €10 identification + VAT = €181.50).
// The current draft is 2.
func twoApplications(t *testing.T) *clitest.Sandbox {
	t.Helper()
	s := clitest.New(t)
	s.Register()
	s.Select("--level", "EH3", "--branch", clitest.Branch)
	s.MustRun("users", "add", "--first-name", "Jan", "--last-name", "Jansen", "--email", "jan@example.nl",
		"--phone", "0612345678", "--employed=false")
	s.Select("--level", "EH2+")
	s.MustRun("users", "add", "--first-name", "Sanne", "--last-name", "de Vries", "--email", "sanne@example.nl",
		"--phone", "0623456789", "--employed=false")
	s.MustRun("users", "add", "--first-name", "Piet", "--last-name", "Bakker", "--email", "piet@example.nl",
		"--phone", "0634567890", "--employed=true")
	s.MustRun("permissions", "set", "--provider", "RVO", "--validity", "3y")
	s.MustRun("apply", "--agree-terms")
	return s
}

// statusCSVHeader is status -o csv's header: a column per user state, fixed.
const statusCSVHeader = "id,kind,organization.kvk,organization.name,level,branch,state,users_total," +
	"users_by_state.draft,users_by_state.invited,users_by_state.details_confirmed,users_by_state.phone_verified," +
	"users_by_state.ordered,users_by_state.identification_pending,users_by_state.identified,users_by_state.final_check," +
	"users_by_state.issued,users_by_state.rejected,users_by_state.expired,users_by_state.cancelled," +
	"person_state,created_at,updated_at,submitted_at,completed_at"

func TestStatusEmpty(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	s.CreateDatabase()
	s.Run("status").Expect(t, cmd.ExitOK, "", "! no applications match\n")
	s.Run("status", "-o", "json").Expect(t, cmd.ExitOK, "[]\n", "")
	s.Run("status", "-o", "csv").Expect(t, cmd.ExitOK,
		statusCSVHeader+"\n", "")
}

func TestStatusList(t *testing.T) {
	t.Parallel()
	s := twoApplications(t)
	// The draft is left out unless asked for.
	s.Run("status").Expect(t, cmd.ExitOK, ""+
		"2\tTest EMZ Dagobert\t69599084\tEH2+\tsubmitted\t2\t2 invited\t0000-00-00 00:00\n", "")
	s.RunWith(clitest.Options{TTY: true}, "status", "--all").Expect(t, cmd.ExitOK, ""+
		"ID  ORGANISATION       KVK       LEVEL  STATE      USERS  BY STATE   SUBMITTED\n"+
		"1   Test EMZ Dagobert  69599084  EH3    draft      1      1 draft    -\n"+
		"2   Test EMZ Dagobert  69599084  EH2+   submitted  2      2 invited  0000-00-00 00:00\n", "")
	s.Run("status", "--all", "-o", "json").Expect(t, cmd.ExitOK, `[
  {
    "id": 1,
    "kind": "new",
    "organization": {
      "kvk": "69599084",
      "name": "Test EMZ Dagobert"
    },
    "level": "EH3",
    "branch": "000037178598",
    "state": "draft",
    "users_total": 1,
    "users_by_state": {
      "draft": 1
    },
    "created_at": "2000-01-01T00:00:00Z",
    "updated_at": "2000-01-01T00:00:00Z",
    "submitted_at": null
  },
  {
    "id": 2,
    "kind": "new",
    "organization": {
      "kvk": "69599084",
      "name": "Test EMZ Dagobert"
    },
    "level": "EH2+",
    "branch": "",
    "state": "submitted",
    "users_total": 2,
    "users_by_state": {
      "invited": 2
    },
    "created_at": "2000-01-01T00:00:00Z",
    "updated_at": "2000-01-01T00:00:00Z",
    "submitted_at": "2000-01-01T00:00:00Z"
  }
]
`, "")
	s.Run("status", "-o", "yaml", "--org", clitest.KVK, "--state", "submitted").Expect(t, cmd.ExitOK, ""+
		"- id: 2\n"+
		"  kind: new\n"+
		"  organization:\n"+
		"    kvk: \"69599084\"\n"+
		"    name: Test EMZ Dagobert\n"+
		"  level: EH2+\n"+
		"  branch: \"\"\n"+
		"  state: submitted\n"+
		"  users_total: 2\n"+
		"  users_by_state:\n"+
		"    invited: 2\n"+
		"  created_at: \"2000-01-01T00:00:00Z\"\n"+
		"  updated_at: \"2000-01-01T00:00:00Z\"\n"+
		"  submitted_at: \"2000-01-01T00:00:00Z\"\n", "")
}

// The field names of a status row are part of the interface.
func TestStatusJSONFields(t *testing.T) {
	t.Parallel()
	s := twoApplications(t)
	var rows []map[string]any
	if err := json.Unmarshal([]byte(s.MustRun("status", "--all", "-o", "json").Stdout), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 {
		t.Fatalf("%d rows, want 2", len(rows))
	}
	for _, k := range []string{"id", "organization", "level", "state", "users_total", "created_at", "updated_at", "submitted_at"} {
		if _, ok := rows[1][k]; !ok {
			t.Errorf("a status row has no %q: %v", k, rows[1])
		}
	}
	if rows[1]["users_total"] != 2.0 || rows[1]["state"] != "submitted" || rows[0]["submitted_at"] != nil {
		t.Errorf("rows = %v", rows)
	}
}

func TestStatusFilters(t *testing.T) {
	t.Parallel()
	s := twoApplications(t)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--state", "draft"}, "1\n"},
		{[]string{"--state", "submitted"}, "2\n"},
		{[]string{"--state", "invited"}, "2\n"},
		{[]string{"--state", "issued"}, ""},
		{[]string{"--org", clitest.KVK}, "2\n"},
		{[]string{"--org", clitest.KVK, "--all"}, "1\n2\n"},
		{[]string{"--org", "68750110"}, ""},
		{[]string{"--email", "jan@example.nl"}, ""},
		{[]string{"--email", "jan@example.nl", "--all"}, "1\n"},
		{[]string{"--email", "jan@example.nl", "--state", "draft"}, "1\n"},
		{[]string{"--state", "discarded"}, ""},
		{[]string{"--email", "piet@example.nl", "--state", "invited"}, "2\n"},
	}
	for _, tt := range tests {
		args := append([]string{"status", "--jq", ".[].id"}, tt.args...)
		s.Run(args...).Expect(t, cmd.ExitOK, tt.want, "")
	}
	s.Run("status", "--state", "issued").Expect(t, cmd.ExitOK, "", "! no applications match\n")
	// CSV: the same columns whatever the rows hold.
	r := s.MustRun("status", "--all", "-o", "csv")
	if lines := strings.Split(strings.TrimSpace(r.Stdout), "\n"); len(lines) != 3 || lines[0] != statusCSVHeader ||
		!strings.Contains(lines[2], ",submitted,2,0,2,0,0,0,0,0,0,0,0,0,0,,") || !strings.HasPrefix(lines[2], "2,new,69599084,") {
		t.Errorf("csv:\n%s", r.Stdout)
	}
	// --email shows that person's state on each row.
	s.Run("status", "--email", "piet@example.nl").Expect(t, cmd.ExitOK,
		"2\tTest EMZ Dagobert\t69599084\tEH2+\tsubmitted\t2\t2 invited\t0000-00-00 00:00\tinvited\n", "")
	s.Run("status", "--email", "piet@example.nl", "--jq", ".[].person_state").Expect(t, cmd.ExitOK, "invited\n", "")
	s.Run("status", "--state", "bogus").Expect(t, cmd.ExitInvalid, "",
		"error: state: \"bogus\" is not a state: want one of submitted, completed, discarded, draft, invited, details_confirmed, phone_verified, ordered, identification_pending, identified, final_check, issued, rejected, expired, cancelled\n")
}

func TestStatusOne(t *testing.T) {
	t.Parallel()
	s := twoApplications(t)
	s.Run("status", "2").Expect(t, cmd.ExitOK, ""+
		"Application:\t2 (submitted)\n"+
		"Organisation:\tTest EMZ Dagobert (69599084)\n"+
		"Level:\tEH2+\n"+
		"Submitted:\t0000-00-00 00:00\n"+
		"\n"+
		"sanne@example.nl\tSanne de Vries\tno\tinvited\t0000-00-00 00:00\n"+
		"piet@example.nl\tPiet Bakker\tyes\tinvited\t0000-00-00 00:00\n"+
		"\n"+
		"History\n"+
		"0000-00-00 00:00:00\t$ACTOR\t\tdraft\tdraft started\n"+
		"0000-00-00 00:00:00\t$ACTOR\tsanne@example.nl\tdraft\tuser added\n"+
		"0000-00-00 00:00:00\t$ACTOR\tpiet@example.nl\tdraft\tuser added\n"+
		"0000-00-00 00:00:00\t$ACTOR\t\tdraft\tpermissions set: all services of RVO, valid 3 years\n"+
		"0000-00-00 00:00:00\t$ACTOR\t\tdraft → submitted\tsubmitted; agreed to conditions "+s.Terms().Version+"; quote €133.10\n"+
		"0000-00-00 00:00:00\t$ACTOR\tsanne@example.nl\tdraft → invited\tinvitation sent\n"+
		"0000-00-00 00:00:00\t$ACTOR\tpiet@example.nl\tdraft → invited\tinvitation sent\n", "")

	s.Run("status", "2", "--email", "PIET@example.nl").Expect(t, cmd.ExitOK, ""+
		"Application:\t2 (submitted)\n"+
		"Organisation:\tTest EMZ Dagobert (69599084)\n"+
		"Level:\tEH2+\n"+
		"Submitted:\t0000-00-00 00:00\n"+
		"\n"+
		"piet@example.nl\tPiet Bakker\tyes\tinvited\t0000-00-00 00:00\n"+
		"\n"+
		"History\n"+
		"0000-00-00 00:00:00\t$ACTOR\tpiet@example.nl\tdraft\tuser added\n"+
		"0000-00-00 00:00:00\t$ACTOR\tpiet@example.nl\tdraft → invited\tinvitation sent\n", "")

	s.Run("status", "#1").Expect(t, cmd.ExitOK, ""+
		"Application:\t1 (draft)\n"+
		"Organisation:\tTest EMZ Dagobert (69599084)\n"+
		"Level:\tEH3\n"+
		"Submitted:\t-\n"+
		"\n"+
		"jan@example.nl\tJan Jansen\tno\tdraft\t0000-00-00 00:00\n"+
		"\n"+
		"History\n"+
		"0000-00-00 00:00:00\t$ACTOR\t\tdraft\tdraft started\n"+
		"0000-00-00 00:00:00\t$ACTOR\tjan@example.nl\tdraft\tuser added\n", "")
}

func TestStatusOneJSON(t *testing.T) {
	t.Parallel()
	s := twoApplications(t)
	r := s.MustRun("status", "2", "-o", "json")
	var d map[string]json.RawMessage
	if err := json.Unmarshal([]byte(r.Stdout), &d); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "state", "organization", "level", "branch", "users", "permissions", "validity_years", "quote", "history"} {
		if _, ok := d[k]; !ok {
			t.Errorf("status ID -o json has no %q", k)
		}
	}
	s.Run("status", "2", "--jq", `.history | map(select(.email == "sanne@example.nl") | .from + ">" + .to) | join(" ")`).Expect(t, cmd.ExitOK,
		">draft draft>invited\n", "")
	var events []struct {
		Actor string `json:"actor"`
	}
	if err := json.Unmarshal(d["history"], &events); err != nil {
		t.Fatal(err)
	}
	if len(events) != 7 || slices.ContainsFunc(events, func(e struct {
		Actor string `json:"actor"`
	}) bool {
		return e.Actor != clitest.Actor()
	}) {
		t.Errorf("history = %+v, want 7 events by %s", events, clitest.Actor())
	}
}

func TestStatusNotFound(t *testing.T) {
	t.Parallel()
	s := twoApplications(t)
	s.Run("status", "3").Expect(t, cmd.ExitNotFound, "", "error: application 3 not found\n")
	s.Run("status", "2", "--email", "nobody@example.nl").Expect(t, cmd.ExitNotFound, "",
		"error: nobody@example.nl is not a user of application 2\n")
	s.Run("status", "abc").Expect(t, cmd.ExitInvalid, "",
		"error: id: \"abc\" is not an application ID: want a positive number like 42\n")
	s.Run("status", "-o", "xml").Expect(t, cmd.ExitUsage, "", ""+
		"error: invalid value \"xml\" for -o/--output: want one of table, json, yaml, csv\n"+
		"Run 'reconi status --help' for usage.\n")
}

// An application whose users all ended is completed, and left out unless
// --all or --state asks for it.
func TestStatusCompleted(t *testing.T) {
	t.Parallel()
	s := twoApplications(t)
	s.MustRun("cancel", "2", "--reason", "no longer needed", "--yes")
	// Neither the completed application nor the draft is listed.
	s.Run("status", "--jq", ".[].id").Expect(t, cmd.ExitOK, "", "")
	s.Run("status", "--all", "--jq", ".[] | [.id, .state] | @tsv").Expect(t, cmd.ExitOK, "1\tdraft\n2\tcompleted\n", "")
	s.Run("status", "--state", "completed", "--jq", ".[].id").Expect(t, cmd.ExitOK, "2\n", "")
	s.Run("status", "--state", "submitted", "--jq", ".[].id").Expect(t, cmd.ExitOK, "", "")
	r := s.MustRun("status", "--all", "-o", "csv")
	if lines := strings.Split(strings.TrimSpace(r.Stdout), "\n"); len(lines) != 3 || lines[0] != statusCSVHeader ||
		!strings.Contains(lines[2], ",completed,2,0,0,0,0,0,0,0,0,0,0,0,2,,") || strings.HasSuffix(lines[2], ",") {
		t.Errorf("csv:\n%s", r.Stdout)
	}
	r = s.MustRun("status", "2")
	if !strings.Contains(r.Stdout, "2 (completed)") || !strings.Contains(r.Stdout, "Completed:") {
		t.Errorf("detail:\n%s", r.Stdout)
	}
	s.Run("status", "2", "--all").Expect(t, cmd.ExitUsage, "",
		"error: --all lists applications: leave out the application ID\nRun 'reconi status --help' for usage.\n")
}
