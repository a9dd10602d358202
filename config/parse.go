package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"time"

	"go.yaml.in/yaml/v3"

	"carebot/ticket"
)

// Load reads and parses the configuration file at path. Every problem it
// reports names the file.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load config: %w", err)
	}
	c, err := Parse(data)
	if err != nil {
		return nil, inFile(path, err)
	}
	return c, nil
}

// Parse reads a configuration file's contents strictly: an unknown key, a
// value of the wrong shape or a bad value is an error that names the key
// path and its line. What the file leaves out keeps Default's value, except
// that teams, when given, replace the default teams entirely; the SLA is
// merged per priority and per field. A key with no value counts as left
// out, and an empty file gives the defaults.
// The result has passed Validate.
func Parse(data []byte) (*Config, error) {
	c := Default()
	root, err := document(data)
	if err != nil {
		return nil, err
	}
	d := newDecoder()
	if root != nil {
		d.config(root, c)
	}
	if len(d.errs) > 0 {
		return nil, d.errs.err()
	}
	ps := c.problems()
	for _, p := range ps {
		p.Line = d.line(p.Key)
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	return c, nil
}

// UnmarshalYAML reads one escalation step, {after: 10m, notify: next} or
// {after: 10m, notify: [U0LEAD]}, strictly. Its values are checked by
// Config.Validate.
func (s *Step) UnmarshalYAML(n *yaml.Node) error {
	d := newDecoder()
	var step Step
	if n, ok := d.node("", n); ok {
		d.step("", n, &step)
	}
	if len(d.errs) > 0 {
		return d.errs.err()
	}
	*s = step
	return nil
}

// document returns the root node of the only YAML document in data, or nil
// when data holds none.
func document(data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return nil, err
	default:
		return nil, &Error{Line: next.Line, Msg: "a second YAML document; the file holds one (remove the ---)"}
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, nil
	}
	return doc.Content[0], nil
}

// config reads the whole file into c, which holds the defaults.
func (d *decoder) config(n *yaml.Node, c *Config) {
	if isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		d.failf("", n, "the file must hold keys and values, such as ticket_prefix: IT; got %s", describe(n))
		return
	}
	teams := false
	d.mapping("", n,
		field{"ticket_prefix", d.text(&c.TicketPrefix)},
		// Before teams: rotation starts are read in this zone.
		field{"timezone", func(path string, n *yaml.Node) {
			if s, ok := d.scalar(path, n); ok {
				c.Timezone = s
				if loc, err := time.LoadLocation(s); err == nil {
					c.Location = loc // else Validate reports it
				}
			}
		}},
		field{"channels", func(path string, n *yaml.Node) {
			d.mapping(path, n,
				field{"triage", d.text(&c.Channels.Triage)},
				field{"summary", d.text(&c.Channels.Summary)},
				field{"incidents", d.text(&c.Channels.Incidents)},
			)
		}},
		field{"intake_channels", d.texts(&c.IntakeChannels)},
		field{"shifts", func(path string, n *yaml.Node) { c.Shifts = d.shifts(path, n) }},
		field{"sla", func(path string, n *yaml.Node) { d.sla(path, n, c.SLA) }},
		field{"teams", func(path string, n *yaml.Node) {
			teams = true
			c.Teams = []Team{}
			d.each(path, n, func(path string, n *yaml.Node) {
				c.Teams = append(c.Teams, d.team(path, n, c.Location))
			})
		}},
		field{"specialists_group", d.text(&c.SpecialistsGroup)},
		field{"units", d.texts(&c.Units)},
		field{"categories", func(path string, n *yaml.Node) { c.Categories = d.categories(path, n) }},
		field{"selfhelp", func(path string, n *yaml.Node) { c.SelfHelp = d.selfHelp(path, n) }},
		field{"phi", func(path string, n *yaml.Node) {
			d.mapping(path, n, field{"patterns", func(path string, n *yaml.Node) { d.patterns(path, n, &c.PHI) }})
		}},
		field{"retention", d.duration(&c.Retention)},
		field{"triage_timeout", d.duration(&c.TriageTimeout)},
		field{"outage", func(path string, n *yaml.Node) {
			d.mapping(path, n,
				field{"window", d.duration(&c.Outage.Window)},
				field{"reports", d.integer(&c.Outage.Reports)},
				field{"downtime_text", d.text(&c.Outage.DowntimeText)},
			)
		}},
	)
	if !teams {
		c.Teams = defaultTeams(c.Location)
	}
}

func (d *decoder) shifts(path string, n *yaml.Node) []Shift {
	shifts := []Shift{}
	d.each(path, n, func(path string, n *yaml.Node) {
		var s Shift
		d.mapping(path, n, field{"name", d.text(&s.Name)}, field{"start", d.timeOfDay(&s.Start)})
		shifts = append(shifts, s)
	})
	return shifts
}

func (d *decoder) categories(path string, n *yaml.Node) []CategorySpec {
	specs := []CategorySpec{}
	d.each(path, n, func(path string, n *yaml.Node) {
		var cs CategorySpec
		d.mapping(path, n,
			field{"id", func(path string, n *yaml.Node) {
				var s string
				d.text(&s)(path, n)
				cs.ID = ticket.Category(s)
			}},
			field{"keywords", d.keywords(&cs.Keywords)},
			field{"impact", d.text(&cs.Impact)},
		)
		specs = append(specs, cs)
	})
	return specs
}

func (d *decoder) selfHelp(path string, n *yaml.Node) []SelfHelp {
	answers := []SelfHelp{}
	d.each(path, n, func(path string, n *yaml.Node) {
		var s SelfHelp
		d.mapping(path, n, field{"keywords", d.keywords(&s.Keywords)}, field{"answer", d.text(&s.Answer)})
		answers = append(answers, s)
	})
	return answers
}

// sla merges the file's SLA into the defaults in sla, per priority and field.
func (d *decoder) sla(path string, n *yaml.Node, sla map[string]SLA) {
	d.pairs(path, n, func(key, path string, k, v *yaml.Node) {
		if !slices.Contains(Priorities(), key) {
			d.failf(path, k, "unknown priority (use P1, P2, P3 or P4)")
			return
		}
		s := sla[key]
		d.mapping(path, v, field{"claim", d.duration(&s.Claim)}, field{"resolve", d.duration(&s.Resolve)})
		sla[key] = s
	})
}

func (d *decoder) team(path string, n *yaml.Node, loc *time.Location) Team {
	var t Team
	d.mapping(path, n,
		field{"id", d.text(&t.ID)},
		field{"name", d.text(&t.Name)},
		field{"channel", d.text(&t.Channel)},
		field{"default", d.boolean(&t.Default)},
		field{"categories", func(path string, n *yaml.Node) {
			var list []string
			d.texts(&list)(path, n)
			t.Categories = make([]ticket.Category, len(list))
			for i, s := range list {
				t.Categories[i] = ticket.Category(s)
			}
		}},
		field{"rotation", func(path string, n *yaml.Node) { t.Rotation = d.rotation(path, n, loc) }},
		field{"escalation", func(path string, n *yaml.Node) {
			t.Escalation = []Step{}
			d.each(path, n, func(path string, n *yaml.Node) {
				var s Step
				d.step(path, n, &s)
				t.Escalation = append(t.Escalation, s)
			})
		}},
		field{"repeat", d.integer(&t.Repeat)},
	)
	return t
}

func (d *decoder) rotation(path string, n *yaml.Node, loc *time.Location) RotationSpec {
	var r RotationSpec
	d.mapping(path, n,
		field{"start", func(path string, n *yaml.Node) {
			s, ok := d.scalar(path, n)
			if !ok {
				return
			}
			for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05"} {
				if t, err := time.ParseInLocation(layout, s, loc); err == nil {
					r.Start = t
					return
				}
			}
			d.failf(path, n, "%q is not a local date and time (use the form \"2026-11-23T07:00\")", s)
		}},
		field{"length", d.duration(&r.Length)},
		field{"members", d.texts(&r.Members)},
	)
	return r
}

func (d *decoder) step(path string, n *yaml.Node, s *Step) {
	d.mapping(path, n,
		field{"after", d.duration(&s.After)},
		field{"notify", func(path string, n *yaml.Node) {
			if n.Kind != yaml.ScalarNode {
				d.texts(&s.Users)(path, n)
				return
			}
			if n.Value != "next" {
				d.failf(path, n, "%q is neither next nor a list of user IDs (write notify: next or notify: [U0LEAD])", n.Value)
				return
			}
			s.Next = true
		}},
	)
}

// patterns reads named regular expressions, replacing the default set.
func (d *decoder) patterns(path string, n *yaml.Node, phi *PHI) {
	phi.Patterns = map[string]*regexp.Regexp{}
	d.pairs(path, n, func(name, path string, k, v *yaml.Node) {
		s, ok := d.scalar(path, v)
		if !ok {
			return
		}
		re, err := regexp.Compile(s)
		if err != nil {
			d.failf(path, v, "%q is not a regular expression Go can use: %v", s, err)
			return
		}
		phi.Patterns[name] = re
	})
}
