package config

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"carebot/ticket"
)

// problemsOf lists the *Errors that err joins.
func problemsOf(t *testing.T, err error) []*Error {
	t.Helper()
	var list []error
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		list = joined.Unwrap()
	} else if err != nil {
		list = []error{err}
	}
	var out []*Error
	for _, e := range list {
		var ce *Error
		if !errors.As(e, &ce) {
			t.Fatalf("%v is not an *Error", e)
		}
		out = append(out, ce)
	}
	return out
}

func TestValidateNamesTheKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(c *Config)
		key    string
		msg    string // a part of the message, usually the fix
	}{
		{"prefix lower case", func(c *Config) { c.TicketPrefix = "it" }, "ticket_prefix", `"it" must be 1 to 10 upper-case letters`},
		{"prefix too long", func(c *Config) { c.TicketPrefix = "ABCDEFGHIJK" }, "ticket_prefix", "such as IT"},
		{"prefix empty", func(c *Config) { c.TicketPrefix = "" }, "ticket_prefix", "1 to 10 upper-case letters"},
		{"timezone unknown", func(c *Config) { c.Timezone = "Mars/Olympus" }, "timezone", `unknown time zone "Mars/Olympus" (use an IANA name`},
		{"timezone empty", func(c *Config) { c.Timezone = "" }, "timezone", "required"},
		{"timezone Local", func(c *Config) { c.Timezone = "Local" }, "timezone", "depends on the host"},
		{"location not loaded", func(c *Config) { c.Location = nil }, "timezone", "build the Config with Parse or Default"},
		{"summary channel missing", func(c *Config) { c.Channels.Summary = "" }, "channels.summary", "required"},
		{"summary channel is a name", func(c *Config) { c.Channels.Summary = "#it-summary" }, "channels.summary", "is not a Slack channel ID"},
		{"triage channel lower case", func(c *Config) { c.Channels.Triage = "c0triage" }, "channels.triage", "starts with C or G"},
		{"incidents channel is a user", func(c *Config) { c.Channels.Incidents = "U0ALICE" }, "channels.incidents", "is not a Slack channel ID"},
		{"intake channel bad", func(c *Config) { c.IntakeChannels = []string{"C0OK", "helpdesk"} }, "intake_channels[1]", "is not a Slack channel ID"},
		{"intake channel twice", func(c *Config) { c.IntakeChannels = []string{"C0OK", "C0OK"} }, "intake_channels[1]", "is also intake_channels[0]"},
		{"specialists group is a channel", func(c *Config) { c.SpecialistsGroup = "C0STAFF" }, "specialists_group", "starts with S"},
		{"unit empty", func(c *Config) { c.Units = []string{"ICU", " "} }, "units[1]", "empty unit name"},
		{"unit twice", func(c *Config) { c.Units = []string{"ICU", "icu"} }, "units[1]", "is also units[0]"},
		{"retention zero", func(c *Config) { c.Retention = 0 }, "retention", "too short"},
		{"retention under a week", func(c *Config) { c.Retention = 72 * time.Hour }, "retention", "72h0m0s is too short"},
		{"outage window zero", func(c *Config) { c.Outage.Window = 0 }, "outage.window", "must be more than 0"},
		{"outage one report", func(c *Config) { c.Outage.Reports = 1 }, "outage.reports", "use 2 or more"},

		{"no shifts", func(c *Config) { c.Shifts = nil }, "shifts", "at least one shift"},
		{"shift without name", func(c *Config) { c.Shifts[1].Name = "" }, "shifts[1].name", "required"},
		{"shift names repeat", func(c *Config) { c.Shifts[1].Name = "day" }, "shifts[1].name", "also the name of shifts[0]"},
		{"shift starts repeat", func(c *Config) { c.Shifts[1].Start = TimeOfDay{Hour: 7} }, "shifts[1].start", "also the start of shifts[0]"},
		{"shift start out of range", func(c *Config) { c.Shifts[0].Start = TimeOfDay{Hour: 25} }, "shifts[0].start", "is not a time of day"},

		{"sla priority missing", func(c *Config) { delete(c.SLA, "P3") }, "sla.P3", "missing: give claim and resolve"},
		{"sla claim zero", func(c *Config) { c.SLA["P2"] = SLA{Resolve: time.Hour} }, "sla.P2.claim", "must be more than 0"},
		{"sla resolve before claim", func(c *Config) { c.SLA["P1"] = SLA{Claim: time.Hour, Resolve: 30 * time.Minute} },
			"sla.P1.resolve", "30m must be longer than the time to claim (1h)"},
		{"sla resolve equals claim", func(c *Config) { c.SLA["P4"] = SLA{Claim: time.Hour, Resolve: time.Hour} }, "sla.P4.resolve", "must be longer"},
		{"sla unknown priority", func(c *Config) { c.SLA["P5"] = SLA{Claim: 1, Resolve: 2} }, "sla.P5", "use P1, P2, P3 or P4"},

		{"no teams", func(c *Config) { c.Teams = nil }, "teams", "at least one team"},
		{"no default team", func(c *Config) { c.Teams[0].Default = false }, "teams", "no team has default: true"},
		{"two default teams", func(c *Config) { c.Teams[1].Default = true }, "teams", "teams[0], teams[1] all have default: true; keep it on one"},
		{"team without id", func(c *Config) { c.Teams[1].ID = "" }, "teams[1].id", "required"},
		{"team id upper case", func(c *Config) { c.Teams[1].ID = "Apps" }, "teams[1].id", "only lower-case letters, digits, - and _"},
		{"team id with space", func(c *Config) { c.Teams[1].ID = "clin apps" }, "teams[1].id", "only lower-case letters"},
		{"team ids repeat", func(c *Config) { c.Teams[1].ID = "desk" }, "teams[1].id", `"desk" is also the ID of teams[0]`},
		{"team without name", func(c *Config) { c.Teams[0].Name = " " }, "teams[0].name", "required"},
		{"team without channel", func(c *Config) { c.Teams[0].Channel = "" }, "teams[0].channel", "required"},
		{"team channel bad", func(c *Config) { c.Teams[0].Channel = "desk" }, "teams[0].channel", "is not a Slack channel ID"},
		{"team category unknown", func(c *Config) { c.Teams[1].Categories[2] = "coffee" }, "teams[1].categories[2]",
			`unknown category "coffee" (use a built-in one, ehr, login`},
		{"category twice in a team", func(c *Config) { c.Teams[1].Categories[1] = ticket.CategoryEHR }, "teams[1].categories[1]", "listed twice"},
		{"category in two teams", func(c *Config) { c.Teams[1].Categories[0] = ticket.CategoryLogin }, "teams[1].categories[0]",
			"login is already routed to teams[0]; a category goes to one team"},
		{"rotation without start", func(c *Config) { c.Teams[0].Rotation.Start = time.Time{} }, "teams[0].rotation.start", "required"},
		{"rotation start in another zone", func(c *Config) { c.Teams[0].Rotation.Start = c.Teams[0].Rotation.Start.UTC() },
			"teams[0].rotation.start", "is in UTC, not the configured time zone America/Chicago"},
		{"rotation length zero", func(c *Config) { c.Teams[0].Rotation.Length = 0 }, "teams[0].rotation.length", "must be more than 0"},
		{"rotation length negative", func(c *Config) { c.Teams[1].Rotation.Length = -time.Hour }, "teams[1].rotation.length", "such as 12h"},
		{"rotation without members", func(c *Config) { c.Teams[0].Rotation.Members = nil }, "teams[0].rotation.members", "required"},
		{"rotation member bad", func(c *Config) { c.Teams[0].Rotation.Members[1] = "@bob" }, "teams[0].rotation.members[1]",
			`"@bob" is not a Slack user ID`},
		{"rotation member twice", func(c *Config) { c.Teams[0].Rotation.Members[1] = "U0SPEC1" }, "teams[0].rotation.members[1]",
			"is also teams[0].rotation.members[0]"},
		{"escalation after negative", func(c *Config) { c.Teams[0].Escalation[0].After = -time.Minute }, "teams[0].escalation[0].after",
			"-1m is negative"},
		{"escalation out of order", func(c *Config) { c.Teams[0].Escalation[1].After = 0; c.Teams[0].Escalation[0].After = time.Minute },
			"teams[0].escalation[1].after", "0s comes before the previous step's 1m"},
		{"escalation notifies nobody", func(c *Config) { c.Teams[1].Escalation[1].Users = nil }, "teams[1].escalation[1].notify",
			"required: next"},
		{"escalation notifies both", func(c *Config) { c.Teams[1].Escalation[1].Next = true }, "teams[1].escalation[1].notify",
			"both next and a list"},
		{"escalation user bad", func(c *Config) { c.Teams[1].Escalation[1].Users = []string{"lead"} }, "teams[1].escalation[1].notify[0]",
			"is not a Slack user ID"},
		{"repeat negative", func(c *Config) { c.Teams[0].Repeat = -1 }, "teams[0].repeat", "use 0 to run the escalation steps once"},

		{"category without id", func(c *Config) { c.Categories = []CategorySpec{{Impact: ImpactLow}} }, "categories[0].id", "required"},
		{"category id upper case", func(c *Config) { c.Categories = []CategorySpec{{ID: "Pharmacy"}} }, "categories[0].id", "lower-case"},
		{"category defined twice", func(c *Config) { c.Categories = []CategorySpec{{ID: "ehr"}, {ID: "ehr"}} }, "categories[1].id", "merge the two"},
		{"category impact unknown", func(c *Config) { c.Categories = []CategorySpec{{ID: "ehr", Impact: "severe"}} }, "categories[0].impact",
			`"severe" is not high, medium or low`},
		{"new category without impact", func(c *Config) { c.Categories = []CategorySpec{{ID: "nursecall", Keywords: []string{"call light"}}} },
			"categories[0].impact", "required for a new category"},
		{"new category without keywords", func(c *Config) { c.Categories = []CategorySpec{{ID: "nursecall", Impact: ImpactHigh}} },
			"categories[0].keywords", "required for a new category"},
		{"category keyword empty", func(c *Config) { c.Categories = []CategorySpec{{ID: "ehr", Keywords: []string{"epic", ""}}} },
			"categories[0].keywords[1]", "empty keyword"},
		{"selfhelp without keywords", func(c *Config) { c.SelfHelp = []SelfHelp{{Answer: "Restart it."}} }, "selfhelp[0].keywords", "required"},
		{"selfhelp without answer", func(c *Config) { c.SelfHelp = []SelfHelp{{Keywords: []string{"vpn"}}} }, "selfhelp[0].answer", "required"},
		{"phi pattern missing", func(c *Config) { c.PHI.Patterns["MRN"] = nil }, "phi.patterns.MRN", "missing regular expression"},
		{"phi pattern matches nothing", func(c *Config) { c.PHI.Patterns["MRN"] = regexp.MustCompile(`\d*`) }, "phi.patterns.MRN",
			"matches empty text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := Default()
			tt.change(c)
			ps := problemsOf(t, c.Validate())
			if len(ps) == 0 {
				t.Fatal("Validate() = nil")
			}
			for _, p := range ps {
				if p.Key == tt.key && strings.Contains(p.Msg, tt.msg) {
					if !strings.HasPrefix(p.Error(), tt.key+": ") {
						t.Errorf("%q does not begin with the key", p.Error())
					}
					return
				}
			}
			t.Errorf("Validate() =\n%v\nwant %s: …%s…", c.Validate(), tt.key, tt.msg)
		})
	}
}

func TestValidateAcceptsDefinedCategory(t *testing.T) {
	t.Parallel()
	c := Default()
	c.Categories = []CategorySpec{{ID: "nursecall", Keywords: []string{"call light"}, Impact: ImpactHigh}}
	c.Teams[1].Categories = append(c.Teams[1].Categories, "nursecall")
	if err := c.Validate(); err != nil {
		t.Errorf("Validate() = %v", err)
	}
}

func TestValidateZeroConfig(t *testing.T) {
	t.Parallel()
	// A zero Config reports problems rather than panicking.
	if err := (&Config{}).Validate(); err == nil {
		t.Error("Validate() of a zero Config = nil")
	}
}
