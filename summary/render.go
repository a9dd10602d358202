package summary

import (
	"fmt"
	"strings"
	"time"

	"carebot/ticket"
)

// Section is one part of a rendered summary, such as a Block Kit section
// headed by Title.
type Section struct {
	Title string // short plain text
	Body  string // Slack mrkdwn, under MaxBody bytes
}

// MaxBody is the most bytes a Section's Body has. Slack refuses a section
// text of 3,000 characters or more; a byte is never less than a character.
const MaxBody = 2900

// The most entries each list shows; the rest are counted in "…and N more".
const (
	maxStillOpen  = 25
	maxBreaches   = 20
	maxCategories = 10
	maxProblemIDs = 10
)

// lateMark explains why a summary comes after its boundary.
const lateMark = ":hourglass: posted late — no carebot was running at the boundary"

// Sections renders the report as Slack mrkdwn, in the order a specialist
// taking over reads it. The overview, response times and hourly volume
// always appear; a section with nothing in it (no P1s, no missed targets, no
// recurring problems, nobody on call) is left out.
func (r Report) Sections() []Section {
	out := []Section{{Title: r.title(), Body: r.overview()}}
	add := func(title, body string) {
		if body != "" {
			out = append(out, Section{Title: title, Body: body})
		}
	}
	add("Still open", r.stillOpen())
	add("P1 tickets", r.p1s())
	add("Missed targets", r.breaches())
	add("Recurring problems", r.recurring())
	add("Response times", r.times())
	add("Volume by hour", r.volume())
	add("Top units", r.units())
	add("Next on call", r.nextOnCall())
	return out
}

// Text is the plain-text gist of the report, for Slack's fallback text and
// notifications: one sentence of the main counts, under 300 characters.
func (r Report) Text() string {
	var b strings.Builder
	b.WriteString(escape(r.title()))
	fmt.Fprintf(&b, ", %s: %d opened, %d resolved, %d still open", r.span("Mon 15:04", "–"), r.Opened, r.Resolved, len(r.StillOpen))
	if n := r.openP1s(); n > 0 {
		fmt.Fprintf(&b, " (%d P1)", n)
	}
	b.WriteString(".")
	if r.Late {
		b.WriteString(" Posted late: no carebot was running at the boundary.")
	}
	return b.String()
}

// title heads the summary: "Night shift summary", or "Night shift so far"
// before the period ends.
func (r Report) title() string {
	if r.Partial {
		return clip(r.label(), 40) + " so far"
	}
	return clip(r.label(), 40) + " summary"
}

// label names the period: "Night shift", or "Today" for a period that is a
// day rather than a shift.
func (r Report) label() string {
	name := oneLine(r.Period.Name)
	switch {
	case name == "":
		return "Shift"
	case strings.EqualFold(name, "today"), strings.EqualFold(name, "yesterday"),
		strings.HasSuffix(strings.ToLower(name), "shift"):
		return name
	}
	return name + " shift"
}

// span renders the period's local start and end with layout, joined by sep;
// an end on the start's day shows only its clock.
func (r Report) span(layout, sep string) string {
	start, end := r.Period.Start.In(r.Location), r.Period.End.In(r.Location)
	endLayout := layout
	if start.YearDay() == end.YearDay() && start.Year() == end.Year() {
		endLayout = "15:04"
	}
	return start.Format(layout) + sep + end.Format(endLayout)
}

func (r Report) openP1s() int {
	n := 0
	for _, o := range r.StillOpen {
		if o.Priority == ticket.P1 {
			n++
		}
	}
	return n
}

func (r Report) overview() string {
	var b strings.Builder
	fmt.Fprintf(&b, "*%s*", escape(clip(r.label(), 60)))
	if r.Partial {
		b.WriteString(" so far")
	}
	fmt.Fprintf(&b, ", %s", r.span("Mon 2 Jan 15:04", " – "))
	if r.Late {
		b.WriteString("\n" + lateMark)
	}
	fmt.Fprintf(&b, "\n*%d* opened · *%d* resolved · *%d* self-served · *%d* cancelled · *%d* still open",
		r.Opened, r.Resolved, r.SelfServed, r.Cancelled, len(r.StillOpen))

	var prios []string
	for p := ticket.P1; p <= ticket.P4; p++ {
		prios = append(prios, fmt.Sprintf("%s %d", p, r.ByPriority[p]))
	}
	unknown := 0
	for p, n := range r.ByPriority {
		if rank(p) > int(ticket.P4) {
			unknown += n
		}
	}
	if unknown > 0 {
		prios = append(prios, fmt.Sprintf("no priority %d", unknown))
	}
	b.WriteString("\nBy priority: " + strings.Join(prios, " · "))

	if len(r.ByCategory) > 0 {
		var cats []string
		for _, c := range r.ByCategory[:min(len(r.ByCategory), maxCategories)] {
			cats = append(cats, fmt.Sprintf("%s %d", escape(clip(categoryLabel(c.Category), 40)), c.Count))
		}
		if n := len(r.ByCategory) - maxCategories; n > 0 {
			cats = append(cats, more(n))
		}
		b.WriteString("\nBy category: " + strings.Join(cats, " · "))
	}
	fmt.Fprintf(&b, "\nMissed targets: %d claim · %d resolve", len(r.ClaimBreaches), len(r.ResolveBreaches))
	return b.String()
}

func (r Report) stillOpen() string {
	if len(r.StillOpen) == 0 {
		return ""
	}
	lines := make([]string, len(r.StillOpen))
	for i, o := range r.StillOpen {
		lines[i] = fmt.Sprintf("• *%s* %s · %s · %s · %s", o.ID, o.Priority, escape(clip(categoryLabel(o.Category), 40)), compact(o.Age), owner(o.Owner))
	}
	return capped(fmt.Sprintf("%d still open at %s:", len(r.StillOpen), r.Period.End.In(r.Location).Format("15:04")), lines, maxStillOpen)
}

func (r Report) p1s() string {
	if len(r.P1s) == 0 {
		return ""
	}
	lines := make([]string, len(r.P1s))
	for i, p := range r.P1s {
		where := escape(clip(oneLine(p.Location), 60))
		if where == "" {
			where = "no location"
		}
		lines[i] = fmt.Sprintf("• *%s* %s · %s · %s · %s", p.ID, escape(clip(categoryLabel(p.Category), 40)), where, p.Status, owner(p.Owner))
		if p.Summary != "" {
			lines[i] += "\n> " + escape(p.Summary)
		}
	}
	return capped(fmt.Sprintf("%d P1 opened:", len(r.P1s)), lines, len(lines))
}

func (r Report) breaches() string {
	var parts []string
	if len(r.ClaimBreaches) > 0 {
		parts = append(parts, fmt.Sprintf("*Claimed late or not yet claimed* (%d): %s", len(r.ClaimBreaches), joinCapped(r.ClaimBreaches, maxBreaches)))
	}
	if len(r.ResolveBreaches) > 0 {
		parts = append(parts, fmt.Sprintf("*Resolve target missed* (%d): %s", len(r.ResolveBreaches), joinCapped(r.ResolveBreaches, maxBreaches)))
	}
	return strings.Join(parts, "\n")
}

func (r Report) recurring() string {
	if len(r.Recurring) == 0 {
		return ""
	}
	lines := make([]string, len(r.Recurring))
	for i, p := range r.Recurring {
		lines[i] = fmt.Sprintf("• %s in %s ×%d (%s)", escape(clip(categoryLabel(p.Category), 40)), escape(clip(p.Unit, 40)), len(p.IDs), joinCapped(p.IDs, maxProblemIDs))
	}
	return capped("", lines, len(lines))
}

func (r Report) times() string {
	return fmt.Sprintf("Time to claim: %s\nTime to resolve: %s", r.Claim, r.Resolve)
}

func (r Report) volume() string {
	v := r.Volume
	if len(v.Counts) == 0 {
		return "No time in the period."
	}
	hhmm := func(t time.Time) string { return t.In(r.Location).Format("15:04") }
	s := fmt.Sprintf("`%s` %s–%s", v.Bar(), hhmm(r.Period.Start), hhmm(r.Period.End))
	if n, at := v.Peak(); n > 0 {
		s += fmt.Sprintf(" (peak %d at %s)", n, hhmm(at))
	} else {
		s += " (none opened)"
	}
	if v.Step != time.Hour {
		s += fmt.Sprintf("\nEach mark is %s.", compact(v.Step))
	}
	return s
}

func (r Report) units() string {
	var parts []string
	for _, u := range r.TopUnits {
		parts = append(parts, fmt.Sprintf("%s %d", escape(clip(u.Unit, 40)), u.Count))
	}
	return strings.Join(parts, " · ")
}

func (r Report) nextOnCall() string {
	lines := make([]string, len(r.NextOnCall))
	for i, o := range r.NextOnCall {
		who := "nobody"
		if o.User != "" {
			who = mention(o.User)
		}
		lines[i] = fmt.Sprintf("%s: %s", escape(clip(oneLine(o.Team), 60)), who)
	}
	if len(lines) == 0 {
		return ""
	}
	return capped("", lines, len(lines))
}

// String renders t as "median 5m · p90 9m (n=10)", or "—" for none.
func (t Times) String() string {
	if t.N == 0 {
		return "—"
	}
	return fmt.Sprintf("median %s · p90 %s (n=%d)", compact(t.Median), compact(t.P90), t.N)
}

// capped renders head and then lines, one a line, as long as they stay
// within limit lines and MaxBody bytes; the rest are counted in a last
// "…and N more" line.
func capped(head string, lines []string, limit int) string {
	var b strings.Builder
	b.WriteString(head)
	reserve := len(more(len(lines))) + 1
	for i, l := range lines {
		if i == limit || b.Len()+1+len(l)+reserve > MaxBody {
			b.WriteString("\n" + more(len(lines)-i))
			break
		}
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString(l)
	}
	return b.String()
}

// joinCapped joins at most limit ids with ", ", counting the rest.
func joinCapped(ids []string, limit int) string {
	if len(ids) <= limit {
		return strings.Join(ids, ", ")
	}
	return strings.Join(ids[:limit], ", ") + " " + more(len(ids)-limit)
}

func more(n int) string { return fmt.Sprintf("…and %d more", n) }

// compact renders d in its two largest units, rounded down: "2d 4h",
// "3h 12m", "45m", "30s".
func compact(d time.Duration) string {
	d = max(d, 0)
	days, hours, mins := d/(24*time.Hour), d%(24*time.Hour)/time.Hour, d%time.Hour/time.Minute
	switch {
	case days > 0 && hours > 0:
		return fmt.Sprintf("%dd %dh", days, hours)
	case days > 0:
		return fmt.Sprintf("%dd", days)
	case hours > 0 && mins > 0:
		return fmt.Sprintf("%dh %dm", hours, mins)
	case hours > 0:
		return fmt.Sprintf("%dh", hours)
	case mins > 0:
		return fmt.Sprintf("%dm", mins)
	}
	return fmt.Sprintf("%ds", d/time.Second)
}

// owner renders a claimant, or "unclaimed".
func owner(user string) string {
	if user == "" {
		return "unclaimed"
	}
	return mention(user)
}

// mention renders a Slack user ID as a mention. Anything that is not
// shaped like one is shown as escaped text, so it cannot become markup.
func mention(user string) string {
	if !isUserID(user) {
		return escape(clip(user, 40))
	}
	return "<@" + user + ">"
}

// isUserID reports whether s looks like a Slack user ID: "U" or "W" and
// then upper-case letters and digits.
func isUserID(s string) bool {
	if len(s) < 2 || (s[0] != 'U' && s[0] != 'W') {
		return false
	}
	for _, c := range s[1:] {
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

func categoryLabel(c ticket.Category) string {
	if c == "" {
		return "no category"
	}
	return c.Label()
}

// escape makes text safe in mrkdwn: "&", "<" and ">" become entities, so no
// ticket text can turn into a mention, a link or broken markup. The "&lt;",
// "&gt;" and "&amp;" that stored text already holds (intake keeps Slack's
// escaping of what the requester typed) are left as they are, so they show
// as the characters the requester typed rather than as entity names.
func escape(s string) string {
	if !strings.ContainsAny(s, "&<>") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '&' && isEntity(s[i:]):
			b.WriteByte(c)
		case c == '&':
			b.WriteString("&amp;")
		case c == '<':
			b.WriteString("&lt;")
		case c == '>':
			b.WriteString("&gt;")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// isEntity reports whether s starts with one of the three entities of mrkdwn.
func isEntity(s string) bool {
	return strings.HasPrefix(s, "&amp;") || strings.HasPrefix(s, "&lt;") || strings.HasPrefix(s, "&gt;")
}

// clip cuts s to at most n runes, the last of them "…" when it was cut.
func clip(s string, n int) string {
	cut, k := 0, 0 // cut is where rune n-1, to become "…", starts
	for i := range s {
		switch k {
		case n - 1:
			cut = i
		case n:
			return s[:cut] + "…"
		}
		k++
	}
	return s
}

// oneLine folds every run of white space in s, newlines included, to one space.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
