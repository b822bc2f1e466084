package identification_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/cmd/identification"
	"github.com/reconi/reconi/cmd/internal/cmdtest"
	"github.com/reconi/reconi/cmd/internal/flowtest"
	"github.com/reconi/reconi/internal/reconi"
)

func TestCompleteFlags(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantID     int64
		wantPassed bool
		wantNote   string
		wantErr    *cmdtest.ErrWant
	}{
		{name: "passed", args: []string{"17", "--result", "passed"}, wantID: 17, wantPassed: true},
		{name: "failed with a note", args: []string{"#18", "--result", "FAILED", "--note", "  document expired "}, wantID: 18, wantNote: "document expired"},
		{name: "no result", args: []string{"17"},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"--result is required", "passed or failed"}}},
		{name: "another result", args: []string{"17", "--result", "ok"},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{`"ok"`, "--result"}}},
		{name: "not an ID", args: []string{"jan@example.nl", "--result", "passed"},
			wantErr: &cmdtest.ErrWant{Kind: reconi.KindInvalid, Contains: []string{`"jan@example.nl"`, "not a user ID"}}},
		{name: "no ID", args: []string{"--result", "passed"},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"the user's ID", "got 0"}}},
		{name: "-o xml", args: []string{"17", "--result", "passed", "-o", "xml"},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{`"xml"`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cmdtest.Capture(t, nil, identification.NewCmdComplete, tt.wantErr, tt.args...)
			if got == nil {
				return
			}
			if got.UserID != tt.wantID || got.Passed != tt.wantPassed || got.Note != tt.wantNote {
				t.Errorf("got %d, %v, %q; want %d, %v, %q", got.UserID, got.Passed, got.Note, tt.wantID, tt.wantPassed, tt.wantNote)
			}
		})
	}
}

func TestComplete(t *testing.T) {
	s := cmdtest.New(t)
	app := flowtest.Submit(t, s)
	jan := strconv.FormatInt(flowtest.UserID(t, s, app, flowtest.Jan.Email), 10)
	piet := strconv.FormatInt(flowtest.UserID(t, s, app, flowtest.Piet.Email), 10)

	// Before ordering, Piet is not waiting for identification.
	s.Run("identification", "complete", piet, "--result", "passed").Expect(t, cmd.ExitConflict, "",
		"error: user "+piet+" (piet@example.nl) is not waiting for identification (state invited)\n")
	flowtest.Order(t, s, app, flowtest.Jan)
	flowtest.Order(t, s, app, flowtest.Piet)
	s.Run("identification", "complete", jan, "--result", "passed").Expect(t, cmd.ExitConflict, "",
		"error: user "+jan+" (jan@example.nl) is not waiting for identification (state issued)\n")
	s.Run("identification", "complete", "999", "--result", "passed").Expect(t, cmd.ExitNotFound, "", "error: user 999 not found\n")
	s.Run("identification", "complete", piet).Expect(t, cmd.ExitUsage, "",
		"error: --result is required: passed or failed\nRun 'reconi identification complete --help' for usage.\n")

	s.RunWith(cmdtest.Options{TTY: true}, "identification", "complete", piet, "--result", "passed", "--note", "in person").Expect(t, cmd.ExitOK,
		"ID  EMAIL            NAME      APPLICATION  STATE\n"+
			piet+"   piet@example.nl  Piet Puk  "+strconv.FormatInt(app, 10)+"            final_check\n",
		"✓ Identification of piet@example.nl passed; the final check is next: reconi review approve "+piet+"\n")
	r := s.MustRun("status", strconv.FormatInt(app, 10), "--email", "piet@example.nl")
	for _, want := range []string{"identification_pending → identified\tidentification passed: in person", "identified → final_check\tawaiting the final check"} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("status does not show %q:\n%s", want, r.Stdout)
		}
	}
	s.Run("identification", "complete", piet, "--result", "failed").Expect(t, cmd.ExitConflict, "",
		"error: user "+piet+" (piet@example.nl) is not waiting for identification (state final_check)\n")

	// failed rejects the request.
	app2 := flowtest.Submit(t, s, flowtest.Piet)
	flowtest.Order(t, s, app2, flowtest.Piet)
	piet2 := flowtest.UserID(t, s, app2, flowtest.Piet.Email)
	r = s.MustRun("identification", "complete", strconv.FormatInt(piet2, 10), "--result", "failed", "--note", "document expired", "-o", "json")
	var u reconi.User
	if err := json.Unmarshal([]byte(r.Stdout), &u); err != nil || u.State != reconi.UserRejected || u.ID != piet2 {
		t.Errorf("-o json: %v %+v", err, u)
	}
	if st := flowtest.State(t, s, app2, flowtest.Piet.Email); st != reconi.UserRejected {
		t.Errorf("after failed: %s", st)
	}
}
