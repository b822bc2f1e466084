package cli_test

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/test/cli/clitest"
)

func TestServicesList(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	s.CreateDatabase()
	s.Run("services", "list", "--level", "EH2+").Expect(t, cmd.ExitOK,
		"RVO\tMijn RVO\tEH2+\turn:etoegang:DV:00000001000000000005:services:1\tfcff33b9-3892-5b34-95b2-3433958720bc\tyes\n", "")
	s.RunWith(clitest.Options{TTY: true}, "services", "list", "--level", "EH2+").Expect(t, cmd.ExitOK, ""+
		"PROVIDER  SERVICE   LEVEL  ID                                               SERVICE UUID                          BRANCH USERS\n"+
		"RVO       Mijn RVO  EH2+   urn:etoegang:DV:00000001000000000005:services:1  fcff33b9-3892-5b34-95b2-3433958720bc  yes\n", "")
	s.Run("services", "list", "--level", "EH2+", "-o", "json").Expect(t, cmd.ExitOK, `[
  {
    "id": "urn:etoegang:DV:00000001000000000005:services:1",
    "provider": "RVO",
    "name": "Mijn RVO",
    "level": "EH2+",
    "service_uuid": "fcff33b9-3892-5b34-95b2-3433958720bc",
    "accepts_branch_users": true
  }
]
`, "")
	// A means at EH3 works for every service that requires EH3 or less:
	// all but UWV's Mijn Gegevensdiensten (EH4).
	s.Run("services", "ls", "-l", "EH3", "--jq", `.[] | "\(.provider)/\(.name)/\(.level)"`).Expect(t, cmd.ExitOK, ""+
		"Belastingdienst/Mijn Belastingdienst Zakelijk/EH3\n"+
		"Douane/EU Trader Portals/EH3\n"+
		"Kadaster/Kadaster services for administrators/EH3\n"+
		"RVO/Mijn RVO/EH2+\n"+
		"UWV/Werkgeversportaal/EH3\n", "")
	s.Run("services", "list", "--level", "EH2", "-o", "json").Expect(t, cmd.ExitOK, "[]\n", "")
	s.Run("services", "list", "--provider", "UWV", "-o", "csv").Expect(t, cmd.ExitOK, ""+
		"id,provider,name,level,service_uuid,accepts_branch_users\n"+
		"urn:etoegang:DV:00000001000000000002:services:2,UWV,Mijn Gegevensdiensten,EH4,07567543-2a51-5eaf-a761-a13256c48885,false\n"+
		"urn:etoegang:DV:00000001000000000002:services:1,UWV,Werkgeversportaal,EH3,4a513a16-4f9b-5a09-ae97-10494203eeb2,false\n", "")
	s.Run("services", "list", "--level", "EH9").Expect(t, cmd.ExitInvalid, "",
		"error: level: \"EH9\" is not an assurance level: want EH2, EH2+, EH3 or EH4\n")
}

// The field names of a service are part of the interface.
func TestServicesListJSONFields(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	s.CreateDatabase()
	var list []map[string]any
	if err := json.Unmarshal([]byte(s.MustRun("services", "list", "-o", "json").Stdout), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 6 {
		t.Fatalf("%d services in the default catalogue, want 6", len(list))
	}
	for _, svc := range list {
		keys := make([]string, 0, len(svc))
		for k := range svc {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if !slices.Equal(keys, []string{"accepts_branch_users", "id", "level", "name", "provider", "service_uuid"}) {
			t.Errorf("service has keys %q, want accepts_branch_users, id, level, name, provider, service_uuid", keys)
		}
	}
}

func TestServicesLoad(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	example := s.MustRun("services", "load", "--example").Stdout
	if _, err := os.Stat(s.DB); !os.IsNotExist(err) {
		t.Errorf("services load --example opened the database: %v", err)
	}
	// The example is the default catalogue: loading it changes nothing.
	file := s.WriteFile("catalogue.yaml", example)
	s.RunWith(clitest.Options{TTY: true}, "services", "load", file).Expect(t, cmd.ExitOK, "",
		"✓ Loaded 6 services of 5 providers\n")
	s.Run("services", "list", "--jq", "length").Expect(t, cmd.ExitOK, "6\n", "")
	one := s.WriteFile("one.yaml", "providers:\n  - name: RVO\n    oin: \"00000001000000000005\"\n"+
		"services:\n  - id: \"urn:etoegang:DV:00000001000000000005:services:1\"\n    provider: RVO\n    name: Mijn RVO\n    level: EH2+\n")
	s.RunWith(clitest.Options{TTY: true}, "services", "load", one).Expect(t, cmd.ExitOK, "", "✓ Loaded 1 service of 1 provider\n")
	s.RunWith(clitest.Options{TTY: true}, "services", "load", file).Expect(t, cmd.ExitOK, "", "✓ Loaded 6 services of 5 providers\n")

	bad := s.WriteFile("bad.yaml", "services: [\n")
	r := s.Run("services", "load", bad)
	if r.Code != cmd.ExitInvalid || r.Stdout != "" {
		t.Errorf("loading a broken file: exit %d, stdout %q, stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	s.Run("services", "list", "--jq", "length").Expect(t, cmd.ExitOK, "6\n", "")
}

// A catalogue file may leave out service_uuid and accepts_branch_users: the
// UUIDv5 of the ServiceID and the provider's value fill them in. A bad UUID
// is refused with its row.
func TestServicesLoadFillsInServiceFacts(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	file := s.WriteFile("catalogue.yaml", `providers:
  - {name: Gemeente Utrecht, oin: "00000001002220647000", accepts_branch_users: false}
services:
  - {id: "urn:etoegang:DV:00000001002220647000:services:3", provider: Gemeente Utrecht, name: Parkeren, level: EH2}
  - {id: "urn:etoegang:DV:00000001002220647000:services:4", provider: Gemeente Utrecht, name: Afval, level: EH2,
     service_uuid: 0F0E0D0C-0B0A-4908-8706-050403020100, accepts_branch_users: true}
`)
	s.MustRun("services", "load", file)
	s.Run("services", "list", "-o", "csv").Expect(t, cmd.ExitOK, ""+
		"id,provider,name,level,service_uuid,accepts_branch_users\n"+
		"urn:etoegang:DV:00000001002220647000:services:4,Gemeente Utrecht,Afval,EH2,0f0e0d0c-0b0a-4908-8706-050403020100,true\n"+
		"urn:etoegang:DV:00000001002220647000:services:3,Gemeente Utrecht,Parkeren,EH2,ad946131-a21f-5fdf-aa87-fd0bd37a724a,false\n", "")

	bad := s.WriteFile("bad.yaml", `providers:
  - {name: Gemeente Utrecht, oin: "00000001002220647000", accepts_branch_users: true}
services:
  - {id: "urn:etoegang:DV:00000001002220647000:services:3", provider: Gemeente Utrecht, name: Parkeren, level: EH2, service_uuid: parkeren}
`)
	r := s.Run("services", "load", bad)
	if r.Code != cmd.ExitInvalid || !strings.Contains(r.Stderr, "services[0].service_uuid") || !strings.Contains(r.Stderr, `"parkeren" is not a UUID`) {
		t.Errorf("a bad service_uuid: exit %d, stderr %q", r.Code, r.Stderr)
	}
}
