package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// team is a valid team entry to build test files from.
const team = `
teams:
  - id: desk
    name: Service Desk
    channel: C0DESK
    default: true
    rotation: {start: "2026-11-23T07:00", length: 12h, members: [U0ALICE, U0BOB]}
    escalation: [{after: 0s, notify: next}]
`

func TestParseErrorsNameKeyAndLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		yaml string
		want string // one line of the error
	}{
		{"unknown top-level key", "ticket_prefix: IT\ncolour: red\n",
			"line 2: colour: unknown key (the keys here are ticket_prefix, timezone, channels"},
		{"unknown key deep in the tree", team + "    repeat: 1\n" + `  - id: apps
    name: Apps
    channel: C0APPS
    rotation:
      start: "2026-11-23T07:00"
      length: 168h
      colour: blue
      members: [U0DAN]
`, "line 16: teams[1].rotation.colour: unknown key (the keys here are start, length, members)"},
		{"key given twice in a team", team + "    escalation: [{after: 0s, notify: next}]\n",
			"line 9: teams[0].escalation: given twice (first on line 8); keep one"},
		{"unknown key in a step", strings.Replace(team, "notify: next}", "notify: next, via: sms}", 1),
			"line 8: teams[0].escalation[0].via: unknown key (the keys here are after, notify)"},
		{"key given twice", "retention: 1h\nretention: 2h\n", "line 2: retention: given twice (first on line 1); keep one"},
		{"bad duration", team + "    repeat: 1\n" + `  - {id: apps, name: Apps, channel: C0APPS, rotation: {start: "2026-11-23T07:00", length: 12x, members: [U0DAN]}}`,
			`line 10: teams[1].rotation.length: "12x" is not a duration (use Go form such as 12h or 90m)`},
		{"days are not a duration", "retention: 90d\n", `line 1: retention: "90d" is not a duration (use Go form such as 12h or 90m)`},
		{"bad time of day", "shifts: [{name: Day, start: 7am}]\n",
			`line 1: shifts[0].start: "7am" is not a time of day (use HH:MM or HH:MM:SS, such as 07:00)`},
		{"hour out of range", "shifts:\n  - name: Day\n    start: \"25:00\"\n",
			`line 3: shifts[0].start: "25:00" is not a time of day (hours 00-23, minutes and seconds 00-59)`},
		{"yes is not a boolean", strings.Replace(team, "default: true", "default: yes", 1),
			`line 6: teams[0].default: "yes" is not true or false`},
		{"repeat in words", team + "    repeat: two\n", `line 9: teams[0].repeat: "two" is not a whole number`},
		{"bad rotation start", strings.Replace(team, "2026-11-23T07:00", "23/11/2026 07:00", 1),
			`line 7: teams[0].rotation.start: "23/11/2026 07:00" is not a local date and time (use the form "2026-11-23T07:00")`},
		{"notify misspelt", strings.Replace(team, "notify: next", "notify: nxt", 1),
			`line 8: teams[0].escalation[0].notify: "nxt" is neither next nor a list of user IDs (write notify: next or notify: [U0LEAD])`},
		{"notify a mapping", strings.Replace(team, "notify: next", "notify: {user: U0LEAD}", 1),
			"line 8: teams[0].escalation[0].notify: expected a list, got keys and values"},
		{"a value where a list belongs", "units: ICU\n", `line 1: units: expected a list, got "ICU"`},
		{"a list where a value belongs", "ticket_prefix: [IT]\n", "line 1: ticket_prefix: expected a single value, got a list"},
		{"a mapping where a list belongs", "teams: {id: desk}\n", "line 1: teams: expected a list, got keys and values"},
		{"a list where a mapping belongs", "outage: [10m, 5]\n", "line 1: outage: expected keys and values, got a list"},
		{"an empty list item", "intake_channels: [C0A, ~]\n", "line 1: intake_channels[1]: expected a single value, got nothing"},
		{"a pattern that does not compile", "phi:\n  patterns:\n    MRN: '\\d{8'\n    Acct: 'A(\\d+'\n",
			"line 4: phi.patterns.Acct: \"A(\\\\d+\" is not a regular expression Go can use: error parsing regexp: missing closing )"},
		{"unknown priority", "sla:\n  P5: {claim: 1m, resolve: 2m}\n", "line 2: sla.P5: unknown priority (use P1, P2, P3 or P4)"},
		{"unknown SLA field", "sla:\n  P1: {claim: 1m, fix: 2m}\n", "line 2: sla.P1.fix: unknown key (the keys here are claim, resolve)"},
		{"not a mapping at the top", "- ticket_prefix: IT\n", "line 1: the file must hold keys and values, such as ticket_prefix: IT; got a list"},
		{"two documents", "ticket_prefix: IT\n---\nticket_prefix: HD\n", "line 2: a second YAML document; the file holds one (remove the ---)"},
		{"syntax error", "channels:\n  summary: C0S\n triage: C0T\n", "yaml: line 2: did not find expected key"},
		{"a complex key", "? [a, b]\n: c\n", "line 1: a key must be a plain word, got a list"},

		// Validate's problems are placed on the line of their key...
		{"bad member", strings.Replace(team, "U0BOB", "bob", 1),
			`line 7: teams[0].rotation.members[1]: "bob" is not a Slack user ID`},
		{"bad prefix", "ticket_prefix: it\n", `line 1: ticket_prefix: "it" must be 1 to 10 upper-case letters, such as IT`},
		{"unknown zone", "timezone: America/Chicag\n", `line 1: timezone: unknown time zone "America/Chicag"`},
		{"claim after resolve", "sla:\n  P2:\n    claim: 5h\n", "line 2: sla.P2.resolve: 4h must be longer than the time to claim (5h)"},
		// ...or of the nearest key the file has.
		{"team missing a name", strings.Replace(team, "    name: Service Desk\n", "", 1),
			"line 3: teams[0].name: required: the name people see, such as Service Desk"},
		{"no default team", strings.Replace(team, "    default: true\n", "", 1),
			"line 2: teams: no team has default: true"},
		{"empty team list", "teams: []\n", "line 1: teams: at least one team is needed"},
		{"empty shift list", "shifts: []\n", `line 1: shifts: at least one shift is needed`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := Parse([]byte(tt.yaml))
			if err == nil {
				t.Fatalf("Parse succeeded: %+v", c)
			}
			if c != nil {
				t.Error("Parse returned a Config with its error")
			}
			for _, line := range strings.Split(err.Error(), "\n") {
				if strings.HasPrefix(line, tt.want) {
					return
				}
			}
			t.Errorf("Parse error:\n%v\nwant a line beginning\n%s", err, tt.want)
		})
	}
}

func TestParseReportsEveryProblemInFileOrder(t *testing.T) {
	t.Parallel()
	_, err := Parse([]byte(`sla:
  P1: {claim: soon}
ticket_prefix: IT
retention: forever
outage:
  window: 0
`))
	want := `line 2: sla.P1.claim: "soon" is not a duration (use Go form such as 12h or 90m)
line 4: retention: "forever" is not a duration (use Go form such as 12h or 90m)`
	if err == nil || err.Error() != want {
		t.Errorf("Parse error:\n%v\nwant\n%s", err, want)
	}
}

func TestParseAcceptsAliases(t *testing.T) {
	t.Parallel()
	c, err := Parse([]byte(`
teams:
  - id: desk
    name: Desk
    channel: C0DESK
    default: true
    rotation: {start: "2026-11-23T07:00", length: 12h, members: [U0A, U0B]}
    escalation: &steps [{after: 0s, notify: next}, {after: 10m, notify: [U0LEAD]}]
  - id: apps
    name: Apps
    channel: C0APPS
    categories: [ehr]
    rotation: {start: "2026-11-23T07:00", length: 168h, members: [U0C]}
    escalation: *steps
`))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Team("apps").Escalation; len(got) != 2 || got[1].Users[0] != "U0LEAD" {
		t.Errorf("apps escalation = %+v, want the aliased steps", got)
	}
}

func TestParseStopsAliasExpansion(t *testing.T) {
	t.Parallel()
	// 100 teams, each of 100 steps that page 100 users, from a 20 kB file.
	aliases := func(alias string) string {
		return strings.TrimSuffix(strings.Repeat(alias+", ", 100), ", ")
	}
	data := "users: &users [" + aliases("U0A") + "]\n" +
		"steps: &steps [" + aliases("{after: 0s, notify: *users}") + "]\n" +
		"teams:\n" +
		"  - &team {id: desk, name: Desk, channel: C0DESK, default: true, escalation: *steps}\n" +
		strings.Repeat("  - *team\n", 99)
	_, err := Parse([]byte(data))
	if err == nil || !strings.Contains(err.Error(), "expands to more than") {
		t.Fatalf("Parse error = %.300v, want it to stop expanding aliases", err)
	}
}

func TestParseResultValidates(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join("testdata", "valid.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("Validate() after Parse = %v", err)
	}
}

func FuzzParse(f *testing.F) {
	data, err := os.ReadFile(filepath.Join("testdata", "valid.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte(team))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data)
		if err != nil {
			if c != nil {
				t.Fatal("Parse returned a Config with its error")
			}
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("Parse succeeded but Validate() = %v", err)
		}
		for _, team := range c.Teams {
			turn := team.OnCall(team.Rotation.Start)
			if turn.Member != team.Rotation.Members[turn.Index] {
				t.Fatalf("team %s: turn %+v", team.ID, turn)
			}
		}
	})
}

func TestTimeOfDayOnDSTDays(t *testing.T) {
	loc, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Fatal(err)
	}
	santiago, err := time.LoadLocation("America/Santiago")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		d    TimeOfDay
		day  time.Time
		want time.Time
	}{
		{"ordinary", TimeOfDay{Hour: 7}, time.Date(2026, 11, 27, 0, 0, 0, 0, loc), time.Date(2026, 11, 27, 13, 0, 0, 0, time.UTC)},
		{"skipped: after the gap", TimeOfDay{Hour: 2, Minute: 30}, time.Date(2026, 3, 8, 0, 0, 0, 0, loc), time.Date(2026, 3, 8, 8, 30, 0, 0, time.UTC)},
		{"repeated: the first", TimeOfDay{Hour: 1, Minute: 30}, time.Date(2026, 11, 1, 0, 0, 0, 0, loc), time.Date(2026, 11, 1, 6, 30, 0, 0, time.UTC)},
		// Santiago skips from 00:00 to 01:00 on 2026-09-06: a midnight start is at the 01:00 after the gap.
		{"skipped midnight", TimeOfDay{}, time.Date(2026, 9, 6, 12, 0, 0, 0, santiago), time.Date(2026, 9, 6, 4, 0, 0, 0, time.UTC)},
	} {
		if got := tc.d.On(tc.day); !got.Equal(tc.want) {
			t.Errorf("%s: %s on %s = %v, want %v", tc.name, tc.d, tc.day.Format("2006-01-02"), got.UTC(), tc.want)
		}
	}
}
