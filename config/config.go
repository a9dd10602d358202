// Package config holds carebot's YAML configuration (DESIGN.md §3): its
// schema, built-in defaults, strict parsing and validation. Only cmd reads the
// file; other packages receive the values they need.
package config

import (
	"regexp"
	"slices"
	"time"

	"carebot/oncall"
	"carebot/ticket"
)

// Config is the whole configuration file, after defaults are merged.
type Config struct {
	TicketPrefix   string
	Timezone       string         // IANA name
	Location       *time.Location // Timezone, loaded
	Channels       Channels
	IntakeChannels []string // channel IDs whose plain messages become tickets
	Shifts         []Shift
	SLA            map[string]SLA // by priority: P1, P2, P3 and P4
	Teams          []Team
	// SpecialistsGroup is an optional user group (S…) whose members may act
	// as specialists; team members always may.
	SpecialistsGroup string
	Units            []string // location names, such as "4 West"
	Categories       []CategorySpec
	SelfHelp         []SelfHelp
	PHI              PHI
	Retention        time.Duration // resolved tickets older than this are deleted
	// TriageTimeout is how long carebot waits for a requester's answer before
	// it routes the ticket with what it knows, at the higher priority.
	TriageTimeout time.Duration
	Outage        Outage
}

// Channels are the channel IDs the bot posts to besides team channels.
type Channels struct {
	Triage    string // optional: every new ticket is also posted here
	Summary   string // shift summaries
	Incidents string // optional: outage broadcasts
}

// Shift is a named part of the day; at each shift's start the summary of the
// shift that ended is posted.
type Shift struct {
	Name  string
	Start TimeOfDay // in Config.Location
}

// SLA is the time allowed to claim and to resolve a ticket of one priority.
type SLA struct {
	Claim   time.Duration
	Resolve time.Duration
}

// Team is one group of specialists with its channel, categories and rotation.
type Team struct {
	ID      string // lower case, used in commands such as /oncall desk
	Name    string
	Channel string
	// Default marks the team that takes every category no other team names.
	Default    bool
	Categories []ticket.Category
	Rotation   RotationSpec
	Escalation []Step // run when the claim SLA passes without a claim
	Repeat     int    // how many more times to run Escalation after the first
}

// RotationSpec is a team's rotation as configured.
type RotationSpec struct {
	// Start is the first handoff, a wall-clock time in the configuration's
	// time zone: Start.Location() is Config.Location, and it is the zone the
	// rotation's handoffs follow.
	Start   time.Time
	Length  time.Duration // wall-clock length of one turn
	Members []string      // user IDs, in turn order
}

// Step is one escalation step: After the claim SLA has passed by After, page
// the next member of the rotation (Next) or the listed users.
type Step struct {
	After time.Duration
	Next  bool
	Users []string
}

// The impacts a category can have (CategorySpec.Impact).
const (
	ImpactHigh   = "high"
	ImpactMedium = "medium"
	ImpactLow    = "low"
)

// CategorySpec adds keywords or an impact to a built-in category, or defines
// a new one.
type CategorySpec struct {
	ID       ticket.Category
	Keywords []string // lower case
	// Impact is ImpactHigh, ImpactMedium or ImpactLow. Empty keeps a built-in
	// category's own impact; a new category must set it.
	Impact string
}

// SelfHelp is an answer offered before a ticket is routed when the message
// names any of Keywords (a whole word or phrase); the first entry that
// matches is offered.
type SelfHelp struct {
	Keywords []string // lower case
	Answer   string
}

// PHI holds the hospital's own patient-identifier formats, added to the
// built-in detectors.
type PHI struct {
	Patterns map[string]*regexp.Regexp // by name, such as "MRN"
}

// Outage is when to suggest declaring an incident: Reports similar reports
// from several units within Window.
type Outage struct {
	Window       time.Duration
	Reports      int
	DowntimeText string // told to requesters during a declared incident
}

// MinRetention is the shortest retention allowed: a late shift summary,
// posted up to 7 days after its shift, still finds the shift's tickets.
const MinRetention = 8 * 24 * time.Hour

// Priorities are the SLA keys, highest first.
func Priorities() []string { return []string{"P1", "P2", "P3", "P4"} }

// Names returns the pattern names in sorted order, so that detectors built
// from them run in the same order every time.
func (p PHI) Names() []string {
	names := make([]string, 0, len(p.Patterns))
	for name := range p.Patterns {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// TeamFor returns the team that names cat, or else the default team. It
// returns nil only for a configuration without a default team, which
// Validate rejects.
func (c *Config) TeamFor(cat ticket.Category) *Team {
	var fallback *Team
	for i := range c.Teams {
		t := &c.Teams[i]
		if slices.Contains(t.Categories, cat) {
			return t
		}
		if t.Default && fallback == nil {
			fallback = t
		}
	}
	return fallback
}

// Team returns the team with the given ID, or nil.
func (c *Config) Team(id string) *Team {
	for i := range c.Teams {
		if c.Teams[i].ID == id {
			return &c.Teams[i]
		}
	}
	return nil
}

// OnCall returns the rotation turn in effect at the given instant.
func (t Team) OnCall(at time.Time) oncall.Turn {
	return t.Rotation.Rotation().At(at)
}

// Rotation returns the rotation the spec describes, following the wall
// clock of Start's location.
func (s RotationSpec) Rotation() oncall.Rotation {
	return oncall.Rotation{Start: s.Start, Length: s.Length, Members: s.Members, Loc: s.Start.Location()}
}
