package config

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"carebot/ticket"
)

// Validate checks the whole configuration and returns every problem found,
// joined with errors.Join; each is an *Error that names the key and says how
// to fix it. Parse calls it, so a parsed Config is already valid.
func (c *Config) Validate() error {
	return c.problems().err()
}

func (c *Config) problems() problems {
	var ps problems
	c.checkBasics(&ps)
	c.checkShifts(&ps)
	c.checkSLA(&ps)
	c.checkTeams(&ps)
	c.checkCategories(&ps)
	c.checkSelfHelp(&ps)
	c.checkPHI(&ps)
	return ps
}

func (c *Config) checkBasics(ps *problems) {
	if !isPrefix(c.TicketPrefix) {
		ps.add("ticket_prefix", "%q must be 1 to 10 upper-case letters, such as IT", c.TicketPrefix)
	}
	switch {
	case c.Timezone == "":
		ps.add("timezone", "required: an IANA time zone name, such as America/Chicago")
	case c.Timezone == "Local":
		ps.add("timezone", "Local depends on the host; use an IANA name, such as America/Chicago")
	default:
		loc, err := time.LoadLocation(c.Timezone)
		switch {
		case err != nil:
			ps.add("timezone", "unknown time zone %q (use an IANA name, such as America/Chicago)", c.Timezone)
		case c.Location == nil || c.Location.String() != loc.String():
			ps.add("timezone", "Location is not %s; build the Config with Parse or Default", c.Timezone)
		}
	}
	if c.Channels.Summary == "" {
		ps.add("channels.summary", "required: the ID of the channel for shift summaries, such as C0SUMMARY")
	} else {
		checkChannel(ps, "channels.summary", c.Channels.Summary)
	}
	if c.Channels.Triage != "" {
		checkChannel(ps, "channels.triage", c.Channels.Triage)
	}
	if c.Channels.Incidents != "" {
		checkChannel(ps, "channels.incidents", c.Channels.Incidents)
	}
	checkList(ps, "intake_channels", c.IntakeChannels, checkChannel)
	if c.SpecialistsGroup != "" && !isSlackID(c.SpecialistsGroup, "S") {
		ps.add("specialists_group", "%q is not a Slack user group ID (one starts with S, such as S0123ABCD)", c.SpecialistsGroup)
	}
	checkList(ps, "units", c.Units, func(ps *problems, key, unit string) {
		if strings.TrimSpace(unit) == "" {
			ps.add(key, "empty unit name; remove it")
		}
	})
	// Late shift summaries reach back 7 days and a requester may reopen a
	// ticket for 72 hours: both need the tickets still there.
	if c.Retention < MinRetention {
		ps.add("retention", "%s is too short: keep tickets at least %s (8 days) for late shift summaries and reopening, such as 2160h (90 days)", c.Retention, MinRetention)
	}
	if c.TriageTimeout < time.Minute || c.TriageTimeout > 24*time.Hour {
		ps.add("triage_timeout", "must be between 1m and 24h, such as 10m")
	}
	if c.Outage.Window <= 0 {
		ps.add("outage.window", "must be more than 0, such as 10m")
	}
	if c.Outage.Reports < 2 {
		ps.add("outage.reports", "%d is too few to tell an outage from one fault; use 2 or more, such as 5", c.Outage.Reports)
	}
}

func (c *Config) checkShifts(ps *problems) {
	if len(c.Shifts) == 0 {
		ps.add("shifts", "at least one shift is needed, such as {name: Day, start: \"07:00\"}")
	}
	names := map[string]int{}
	starts := map[TimeOfDay]int{}
	for i, s := range c.Shifts {
		key := fmt.Sprintf("shifts[%d]", i)
		switch j, dup := names[strings.ToLower(s.Name)]; {
		case strings.TrimSpace(s.Name) == "":
			ps.add(key+".name", "required, such as Day")
		case dup:
			ps.add(key+".name", "%q is also the name of shifts[%d]; give each shift its own name", s.Name, j)
		default:
			names[strings.ToLower(s.Name)] = i
		}
		switch j, dup := starts[s.Start]; {
		case !s.Start.Valid():
			ps.add(key+".start", "%02d:%02d:%02d is not a time of day (hours 00-23, minutes and seconds 00-59)", s.Start.Hour, s.Start.Minute, s.Start.Second)
		case dup:
			ps.add(key+".start", "%s is also the start of shifts[%d]; each shift starts at its own time", s.Start, j)
		default:
			starts[s.Start] = i
		}
	}
}

func (c *Config) checkSLA(ps *problems) {
	for _, p := range Priorities() {
		s, ok := c.SLA[p]
		key := "sla." + p
		switch {
		case !ok:
			ps.add(key, "missing: give claim and resolve times, such as {claim: 15m, resolve: 4h}")
		case s.Claim <= 0:
			ps.add(key+".claim", "must be more than 0, such as 15m")
		case s.Resolve <= s.Claim:
			ps.add(key+".resolve", "%s must be longer than the time to claim (%s)", short(s.Resolve), short(s.Claim))
		}
	}
	var extra []string
	for p := range c.SLA {
		if !slices.Contains(Priorities(), p) {
			extra = append(extra, p)
		}
	}
	slices.Sort(extra)
	for _, p := range extra {
		ps.add("sla."+p, "unknown priority (use P1, P2, P3 or P4)")
	}
}

func (c *Config) checkTeams(ps *problems) {
	var defaults []string
	ids := map[string]int{}
	routed := map[ticket.Category]string{} // category -> key of the team entry that takes it
	for i, t := range c.Teams {
		key := fmt.Sprintf("teams[%d]", i)
		switch j, dup := ids[t.ID]; {
		case t.ID == "":
			ps.add(key+".id", "required: a short lower-case name used in commands, such as desk")
		case !isTeamID(t.ID):
			ps.add(key+".id", "%q may hold only lower-case letters, digits, - and _, such as desk", t.ID)
		case dup:
			ps.add(key+".id", "%q is also the ID of teams[%d]; give each team its own", t.ID, j)
		default:
			ids[t.ID] = i
		}
		if strings.TrimSpace(t.Name) == "" {
			ps.add(key+".name", "required: the name people see, such as Service Desk")
		}
		if t.Channel == "" {
			ps.add(key+".channel", "required: the ID of the team's channel, such as C0DESK")
		} else {
			checkChannel(ps, key+".channel", t.Channel)
		}
		if t.Default {
			defaults = append(defaults, key)
		}
		for j, cat := range t.Categories {
			ckey := fmt.Sprintf("%s.categories[%d]", key, j)
			switch other, taken := routed[cat]; {
			case !c.knows(cat):
				ps.add(ckey, "unknown category %q (use a built-in one, %s, or define it under categories)", cat, builtinList())
			case taken && other == key:
				ps.add(ckey, "%s is listed twice; remove one", cat)
			case taken:
				ps.add(ckey, "%s is already routed to %s; a category goes to one team", cat, other)
			default:
				routed[cat] = key
			}
		}
		checkRotation(ps, key+".rotation", t.Rotation, c.Location)
		checkEscalation(ps, key+".escalation", t.Escalation)
		if t.Repeat < 0 {
			ps.add(key+".repeat", "%d is negative; use 0 to run the escalation steps once", t.Repeat)
		}
	}
	switch {
	case len(c.Teams) == 0:
		ps.add("teams", "at least one team is needed")
	case len(defaults) == 0:
		ps.add("teams", "no team has default: true; mark the one that takes the categories no team names")
	case len(defaults) > 1:
		ps.add("teams", "%s all have default: true; keep it on one", strings.Join(defaults, ", "))
	}
}

func checkRotation(ps *problems, key string, r RotationSpec, loc *time.Location) {
	switch {
	case r.Start.IsZero():
		ps.add(key+".start", "required: the local date and time of the first handoff, such as \"2026-11-23T07:00\"")
	case loc != nil && r.Start.Location().String() != loc.String():
		ps.add(key+".start", "is in %s, not the configured time zone %s", r.Start.Location(), loc)
	}
	if r.Length <= 0 {
		ps.add(key+".length", "must be more than 0, such as 12h or 168h")
	}
	if len(r.Members) == 0 {
		ps.add(key+".members", "required: the user IDs who take turns, such as [U0ALICE, U0BOB]")
	}
	checkList(ps, key+".members", r.Members, checkUser)
}

func checkEscalation(ps *problems, key string, steps []Step) {
	var prev time.Duration
	for i, s := range steps {
		skey := fmt.Sprintf("%s[%d]", key, i)
		switch {
		case s.After < 0:
			ps.add(skey+".after", "%s is negative; use 0s to page as soon as the claim time passes", short(s.After))
		case s.After < prev:
			ps.add(skey+".after", "%s comes before the previous step's %s; list steps in order", short(s.After), short(prev))
		default:
			prev = s.After
		}
		switch {
		case s.Next && len(s.Users) > 0:
			ps.add(skey+".notify", "is both next and a list of users; a step does one")
		case !s.Next && len(s.Users) == 0:
			ps.add(skey+".notify", "required: next (the rotation's next member) or a list of user IDs, such as [U0LEAD]")
		}
		checkList(ps, skey+".notify", s.Users, checkUser)
	}
}

func (c *Config) checkCategories(ps *problems) {
	seen := map[ticket.Category]int{}
	for i, cs := range c.Categories {
		key := fmt.Sprintf("categories[%d]", i)
		switch j, dup := seen[cs.ID]; {
		case cs.ID == "":
			ps.add(key+".id", "required: a built-in category (%s) or a new lower-case name", builtinList())
		case !isTeamID(string(cs.ID)):
			ps.add(key+".id", "%q may hold only lower-case letters, digits, - and _", cs.ID)
		case dup:
			ps.add(key+".id", "%s is also defined by categories[%d]; merge the two", cs.ID, j)
		default:
			seen[cs.ID] = i
		}
		switch cs.Impact {
		case ImpactHigh, ImpactMedium, ImpactLow:
		case "":
			if cs.ID != "" && !cs.ID.IsBuiltin() {
				ps.add(key+".impact", "required for a new category: high, medium or low")
			}
		default:
			ps.add(key+".impact", "%q is not high, medium or low", cs.Impact)
		}
		if len(cs.Keywords) == 0 && cs.ID != "" && !cs.ID.IsBuiltin() {
			ps.add(key+".keywords", "required for a new category: the words that point to it, such as [pyxis, omnicell]")
		}
		checkList(ps, key+".keywords", cs.Keywords, checkKeyword)
	}
}

func (c *Config) checkSelfHelp(ps *problems) {
	for i, s := range c.SelfHelp {
		key := fmt.Sprintf("selfhelp[%d]", i)
		if len(s.Keywords) == 0 {
			ps.add(key+".keywords", "required: the words a message must hold for this answer, such as [password, reset]")
		}
		checkList(ps, key+".keywords", s.Keywords, checkKeyword)
		if strings.TrimSpace(s.Answer) == "" {
			ps.add(key+".answer", "required: the text offered to the requester")
		}
	}
}

func (c *Config) checkPHI(ps *problems) {
	for _, name := range c.PHI.Names() {
		key := "phi.patterns." + name
		re := c.PHI.Patterns[name]
		switch {
		case strings.TrimSpace(name) == "":
			ps.add("phi.patterns", "a pattern has an empty name; name it, such as MRN")
		case re == nil:
			ps.add(key, "missing regular expression")
		case re.MatchString(""):
			ps.add(key, "%q matches empty text, so it would flag every message; make it match at least one character", re)
		}
	}
}

// knows reports whether cat is built in or defined under categories.
func (c *Config) knows(cat ticket.Category) bool {
	if cat.IsBuiltin() {
		return true
	}
	return slices.ContainsFunc(c.Categories, func(cs CategorySpec) bool { return cs.ID == cat })
}

// checkList checks each item of list with check and reports duplicates.
func checkList(ps *problems, key string, list []string, check func(ps *problems, key, item string)) {
	seen := map[string]int{}
	for i, item := range list {
		ikey := fmt.Sprintf("%s[%d]", key, i)
		if j, dup := seen[strings.ToLower(item)]; dup {
			ps.add(ikey, "%q is also %s[%d]; remove one", item, key, j)
			continue
		}
		seen[strings.ToLower(item)] = i
		check(ps, ikey, item)
	}
}

func checkChannel(ps *problems, key, id string) {
	if !isSlackID(id, "CG") {
		ps.add(key, "%q is not a Slack channel ID (one starts with C or G, such as C0123ABCD; find it at the bottom of the channel's details)", id)
	}
}

func checkUser(ps *problems, key, id string) {
	if !isSlackID(id, "UW") {
		ps.add(key, "%q is not a Slack user ID (one starts with U or W, such as U0123ABCD; use Copy member ID in the person's profile)", id)
	}
}

func checkKeyword(ps *problems, key, word string) {
	if strings.TrimSpace(word) == "" {
		ps.add(key, "empty keyword; remove it")
	}
}

// isSlackID reports whether id is an upper-case Slack ID of at least three
// characters whose first is one of kinds.
func isSlackID(id, kinds string) bool {
	if len(id) < 3 || !strings.ContainsRune(kinds, rune(id[0])) {
		return false
	}
	for _, r := range id[1:] {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

func isPrefix(s string) bool {
	if len(s) < 1 || len(s) > 10 {
		return false
	}
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

// isTeamID reports whether s is a non-empty [a-z0-9_-]+.
func isTeamID(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' && r != '_' {
			return false
		}
	}
	return true
}

func builtinList() string {
	names := make([]string, 0, len(ticket.BuiltinCategories()))
	for _, cat := range ticket.BuiltinCategories() {
		names = append(names, string(cat))
	}
	return strings.Join(names, ", ")
}
