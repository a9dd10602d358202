package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/sirupsen/logrus"
	"github.com/slack-go/slack"

	"carebot/clock"
	"carebot/config"
	"carebot/store"
	"carebot/ticket"
	"carebot/triage"
)

const exportUsage = `Usage: carebot export --since DURATION|DATE [--until DURATION|DATE] [--format csv|json] [--team T0123]

Writes to stdout the tickets created from --since up to --until, oldest first,
with their events and timings, for the service log. Free text (summary,
resolution, event text) is redacted again on the way out.

  --since   required. How far back: a duration (24h, 90m, 7d, 1d12h; a day is
            24 hours), a date (2026-11-20: midnight in the configured
            timezone) or an RFC 3339 time (2026-11-20T07:00:00-06:00)
  --until   where the window ends, not included; same forms (default: now)
  --format  csv (the default) or json
  --team    the Slack workspace ID (T0123…) whose tickets to read. Without it,
            carebot asks Slack (auth.test) with SLACK_BOT_TOKEN; with the
            token set, ` + "`carebot config check`" + ` prints the ID

Reads the Redis that carebot run uses (REDIS_URL, or the Sentinel or Cluster
variables) and CAREBOT_CONFIG. Without a Redis address there is nothing to
export: carebot run then keeps its tickets in memory, inside its own process.
`

// exportWindow is how much creation time one read covers: a day of tickets,
// even on a storm day, is a few thousand, so memory stays small however long
// the exported span. After an empty read the window doubles, up to
// exportMaxWindow, so "--since 2000-01-01" does not cost a read per quiet
// day; the first read that finds tickets sets it back to a day.
const (
	exportWindow    = 24 * time.Hour
	exportMaxWindow = 32 * exportWindow
)

// exportReader is what export reads from the store.
type exportReader interface {
	// TicketsCreated returns the tickets created in [from, to), oldest first.
	TicketsCreated(ctx context.Context, from, to time.Time) ([]*ticket.Ticket, error)
	// EventsOf returns the audit trails of tickets ns, by number.
	EventsOf(ctx context.Context, ns []int64) (map[int64][]ticket.Event, error)
}

var _ exportReader = (*store.Store)(nil)

// exportRow is one ticket as `carebot export` writes it. Service logs and
// scripts read these names: change them only with a note in the README.
// Times are RFC 3339 in the configured timezone; a time or timing that has
// not happened is omitted (JSON) or empty (CSV).
type exportRow struct {
	ID             string        `json:"id"`
	Number         int64         `json:"number"`
	Status         string        `json:"status"`
	Priority       string        `json:"priority"`
	Category       string        `json:"category"`
	Team           string        `json:"team"`
	Location       string        `json:"location"`
	Device         string        `json:"device"`
	System         string        `json:"system"`
	Summary        string        `json:"summary"`
	Requester      string        `json:"requester"`
	Owner          string        `json:"owner"`
	ResolvedBy     string        `json:"resolved_by"`
	Resolution     string        `json:"resolution"`
	CreatedAt      string        `json:"created_at"`
	ClaimedAt      string        `json:"claimed_at,omitempty"`
	ResolvedAt     string        `json:"resolved_at,omitempty"`
	ClaimSeconds   *int64        `json:"claim_seconds,omitempty"`
	ResolveSeconds *int64        `json:"resolve_seconds,omitempty"`
	ClaimDeadline  string        `json:"claim_deadline,omitempty"`
	Incident       string        `json:"incident,omitempty"` // the declared incident it is linked to, "INC-3"
	Events         []exportEvent `json:"events"`
}

// exportEvent is one entry of a ticket's audit trail in an export.
type exportEvent struct {
	At    string `json:"at"`
	Actor string `json:"actor"`
	Kind  string `json:"kind"`
	Text  string `json:"text,omitempty"`
}

// exportColumns is the CSV header: exportRow's JSON names, in order, with the
// events folded into one column.
var exportColumns = []string{"id", "number", "status", "priority", "category", "team", "location", "device", "system",
	"summary", "requester", "owner", "resolved_by", "resolution", "created_at", "claimed_at", "resolved_at",
	"claim_seconds", "resolve_seconds", "claim_deadline", "incident", "events"}

// exportFlags are the arguments of `carebot export`, checked for form only:
// the dates need the configured timezone (see window).
type exportFlags struct {
	since, until, format, team string
}

var teamIDPattern = regexp.MustCompile(`^[A-Z][A-Z0-9]{2,}$`)

// exportCmd is `carebot export`.
func exportCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, err := parseExportFlags(args)
	if errors.Is(err, flag.ErrHelp) {
		_, err = io.WriteString(stdout, exportUsage)
		return err
	}
	if err != nil {
		return err
	}
	e, err := readEnv(false)
	if err != nil {
		return err
	}
	cfg, _, err := loadConfig(e.Config)
	if err != nil {
		return err
	}
	now := time.Now()
	from, to, err := f.window(cfg.Location, now)
	if err != nil {
		return err
	}
	st, team, closeRedis, err := openWorkspace(ctx, "export", f.team, e, e.logger(stderr))
	if err != nil {
		return err
	}
	defer closeRedis()
	n, err := writeExport(ctx, st, cfg, now, f, stdout)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	layout := "2006-01-02 15:04 MST"
	fmt.Fprintf(stderr, "carebot export: %d tickets of workspace %s created from %s to %s\n",
		n, team, from.In(cfg.Location).Format(layout), to.In(cfg.Location).Format(layout))
	if n == 0 && f.team != "" {
		fmt.Fprintf(stderr, "carebot export: is %s the workspace carebot run serves? `carebot config check` prints it\n", team)
	}
	return nil
}

// parseExportFlags reads the arguments of `carebot export`. It returns
// flag.ErrHelp for -h and --help.
func parseExportFlags(args []string) (exportFlags, error) {
	f := exportFlags{format: "csv"}
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&f.since, "since", "", "")
	fs.StringVar(&f.until, "until", "", "")
	fs.StringVar(&f.format, "format", f.format, "")
	fs.StringVar(&f.team, "team", "", "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return f, err
		}
		return f, fmt.Errorf("export: %w (see carebot export --help)", err)
	}
	switch {
	case fs.NArg() > 0:
		return f, fmt.Errorf("export: unexpected argument %q; flags only, such as --since 24h (see carebot export --help)", fs.Arg(0))
	case f.since == "":
		return f, errors.New("export --since: required; for example --since 24h, --since 7d or --since 2026-11-20")
	case f.format != "csv" && f.format != "json":
		return f, fmt.Errorf("export --format: %q is not csv or json; for example --format json", f.format)
	case f.team != "" && !teamIDPattern.MatchString(f.team):
		return f, fmt.Errorf("export --team: %q is not a Slack workspace ID; for example --team T0123ABCD", f.team)
	}
	return f, nil
}

// window returns the span [from, to) that f asks for, with dates read in loc
// and durations counted back from now.
func (f exportFlags) window(loc *time.Location, now time.Time) (from, to time.Time, err error) {
	from, err = parseTimePoint(f.since, loc, now)
	if err != nil {
		return from, to, fmt.Errorf("export --since: %w; for example --since 24h, --since 7d or --since 2026-11-20", err)
	}
	to = now
	if f.until != "" {
		if to, err = parseTimePoint(f.until, loc, now); err != nil {
			return from, to, fmt.Errorf("export --until: %w; for example --until 2026-11-21 or --until 2026-11-21T07:00:00-06:00", err)
		}
	}
	if !from.Before(to) {
		return from, to, fmt.Errorf("export --since: %s is not before --until (%s)", from.In(loc).Format(time.RFC3339), to.In(loc).Format(time.RFC3339))
	}
	return from, to, nil
}

var daysPattern = regexp.MustCompile(`^(\d+)d(.*)$`)

// parseTimePoint reads a date (local midnight in loc), an RFC 3339 time or a
// positive duration back from now, where "d" is 24 hours.
func parseTimePoint(s string, loc *time.Location, now time.Time) (time.Time, error) {
	if t, err := time.ParseInLocation(time.DateOnly, s, loc); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	bad := fmt.Errorf("%q is not a duration (24h, 7d), a date (YYYY-MM-DD) or an RFC 3339 time", s)
	var d time.Duration
	rest := s
	if m := daysPattern.FindStringSubmatch(s); m != nil {
		days, err := strconv.ParseInt(m[1], 10, 64)
		if err != nil || days > math.MaxInt64/int64(24*time.Hour) {
			return time.Time{}, bad
		}
		d, rest = time.Duration(days)*24*time.Hour, m[2]
	}
	if rest != "" {
		more, err := time.ParseDuration(rest)
		switch {
		case err != nil:
			return time.Time{}, bad
		case more < 0:
			return time.Time{}, fmt.Errorf("%q is not a positive duration", s)
		case d+more < d:
			return time.Time{}, bad // overflow
		}
		d += more
	}
	if d <= 0 {
		return time.Time{}, fmt.Errorf("%q is not a positive duration", s)
	}
	return now.Add(-d), nil
}

// openWorkspace opens the store of the workspace that the offline command
// cmd reads: the Redis carebot run uses (an embedded one would be empty),
// and the workspace --team names or auth.test tells.
func openWorkspace(ctx context.Context, cmd, flagTeam string, e env, logger *logrus.Logger) (*store.Store, string, func() error, error) {
	conn := e.redis()
	if conn.Embedded() {
		return nil, "", nil, fmt.Errorf("%s: REDIS_URL is not set, so there is nothing to read: without it carebot run keeps tickets in an in-memory Redis inside its own process. "+
			"Set REDIS_URL (or REDIS_SENTINEL_ADDRS or REDIS_CLUSTER_ADDRS) to the Redis carebot run uses", cmd)
	}
	team, err := workspaceTeam(ctx, flagTeam, e)
	if err != nil {
		return nil, "", nil, err
	}
	// go-redis would print its dial errors too; the caller's error says it once.
	redis.SetLogger(redisLog{logger})
	rdb, closeRedis, err := store.Open(conn)
	if err != nil {
		return nil, "", nil, err
	}
	st, err := store.New(rdb, team, clock.Real{}, store.Options{})
	if err != nil {
		_ = closeRedis()
		return nil, "", nil, err
	}
	return st, team, closeRedis, nil
}

// workspaceTeam returns the workspace whose tickets to read: the --team flag,
// else the bot token's workspace as Slack's auth.test tells it.
func workspaceTeam(ctx context.Context, flagTeam string, e env) (string, error) {
	if flagTeam != "" {
		return flagTeam, nil
	}
	if e.SlackBotToken == "" {
		return "", errors.New("which workspace? Pass --team T0123 (the Slack workspace ID) or set SLACK_BOT_TOKEN so carebot can ask Slack")
	}
	api := slack.New(e.SlackBotToken, slack.OptionAPIURL(e.SlackAPIURL), slack.OptionHTTPClient(&http.Client{Timeout: 10 * time.Second}))
	actx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	auth, err := api.AuthTestContext(actx)
	if err != nil {
		return "", authError(err)
	}
	if auth.TeamID == "" {
		return "", errors.New("slack auth.test: the answer has no team_id (check SLACK_API_URL, or pass --team)")
	}
	return auth.TeamID, nil
}

// writeExport writes the tickets f selects from st to w, a day of creation
// time at a time, and returns how many it wrote. Bad flags are reported
// before anything is written; if a read fails midway, what is still
// buffered is dropped.
func writeExport(ctx context.Context, st exportReader, cfg *config.Config, now time.Time, f exportFlags, w io.Writer) (int, error) {
	from, to, err := f.window(cfg.Location, now)
	if err != nil {
		return 0, err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	var rows rowWriter
	switch f.format {
	case "csv":
		rows = newCSVRows(bw)
	case "json":
		rows = newJSONRows(bw)
	default:
		return 0, fmt.Errorf("export --format: %q is not csv or json", f.format)
	}
	n, step := 0, exportWindow
	for start, end := from, from; start.Before(to); start = end {
		end = start.Add(step)
		if end.After(to) {
			end = to
		}
		ts, err := st.TicketsCreated(ctx, start, end)
		if err != nil {
			return n, err
		}
		if len(ts) == 0 {
			step = min(2*step, exportMaxWindow)
			continue
		}
		step = exportWindow
		ns := make([]int64, len(ts))
		for i, t := range ts {
			ns[i] = t.Number
		}
		events, err := st.EventsOf(ctx, ns)
		if err != nil {
			return n, err
		}
		for _, t := range ts {
			if err := rows.write(exportRowOf(t, events[t.Number], cfg)); err != nil {
				return n, fmt.Errorf("write: %w", err)
			}
			n++
		}
	}
	if err := rows.close(); err != nil {
		return n, fmt.Errorf("write: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return n, fmt.Errorf("write: %w", err)
	}
	return n, nil
}

// exportRowOf renders t and its events. Every free text is redacted again:
// it was redacted before it was stored, but an export leaves the hospital's
// Slack for files and mail, and a second guard costs little.
func exportRowOf(t *ticket.Ticket, events []ticket.Event, cfg *config.Config) exportRow {
	stamp := func(at time.Time) string {
		if at.IsZero() {
			return ""
		}
		return at.In(cfg.Location).Format(time.RFC3339)
	}
	since := func(at time.Time) *int64 {
		if at.IsZero() || t.CreatedAt.IsZero() {
			return nil
		}
		s := int64(math.Round(at.Sub(t.CreatedAt).Seconds()))
		return &s
	}
	r := exportRow{
		ID: ticket.FormatID(cfg.TicketPrefix, t.Number), Number: t.Number, Status: string(t.Status),
		Category: string(t.Category), Team: t.Team, Location: t.Location, Device: t.Device, System: t.System,
		Summary: redact(t.Summary, cfg), Requester: t.Requester, Owner: t.Owner,
		CreatedAt: stamp(t.CreatedAt), ClaimedAt: stamp(t.ClaimedAt), ClaimSeconds: since(t.ClaimedAt),
		ClaimDeadline: stamp(t.ClaimDeadline), Events: make([]exportEvent, len(events)),
	}
	if t.Priority >= ticket.P1 && t.Priority <= ticket.P4 {
		r.Priority = t.Priority.String()
	}
	if t.Incident != 0 {
		r.Incident = ticket.FormatID(ticket.IncidentPrefix, t.Incident)
	}
	// A reopened ticket keeps its earlier resolution in the store; the
	// export shows one only while the ticket is closed (the trail has both).
	if t.Status.Closed() {
		r.ResolvedBy, r.Resolution = t.ResolvedBy, redact(t.Resolution, cfg)
		r.ResolvedAt, r.ResolveSeconds = stamp(t.ResolvedAt), since(t.ResolvedAt)
	}
	for i, ev := range events {
		r.Events[i] = exportEvent{At: stamp(ev.At), Actor: ev.Actor, Kind: string(ev.Kind), Text: redact(ev.Text, cfg)}
	}
	return r
}

func redact(s string, cfg *config.Config) string {
	if s == "" {
		return ""
	}
	out, _ := triage.Redact(s, cfg.PHI.Patterns)
	return out
}

// rowWriter writes export rows in one format.
type rowWriter interface {
	write(exportRow) error
	close() error
}

// jsonRows writes one JSON array, a ticket a line.
type jsonRows struct {
	w   *bufio.Writer
	buf bytes.Buffer
	enc *json.Encoder
	n   int
}

func newJSONRows(w *bufio.Writer) *jsonRows {
	j := &jsonRows{w: w}
	j.enc = json.NewEncoder(&j.buf)
	j.enc.SetEscapeHTML(false) // "L&D", not "L\u0026D"
	return j
}

func (j *jsonRows) write(r exportRow) error {
	j.buf.Reset()
	if err := j.enc.Encode(r); err != nil {
		return err
	}
	sep := ",\n"
	if j.n == 0 {
		sep = "[\n"
	}
	j.n++
	j.w.WriteString(sep)
	_, err := j.w.Write(bytes.TrimSuffix(j.buf.Bytes(), []byte("\n")))
	return err
}

func (j *jsonRows) close() error {
	end := "\n]\n"
	if j.n == 0 {
		end = "[]\n"
	}
	_, err := j.w.WriteString(end)
	return err
}

// csvRows writes a header and a row per ticket, its events in one column.
type csvRows struct {
	w      *csv.Writer
	header bool
}

func newCSVRows(w *bufio.Writer) *csvRows { return &csvRows{w: csv.NewWriter(w)} }

func (c *csvRows) write(r exportRow) error {
	if err := c.writeHeader(); err != nil {
		return err
	}
	seconds := func(s *int64) string {
		if s == nil {
			return ""
		}
		return strconv.FormatInt(*s, 10)
	}
	events := make([]string, len(r.Events))
	for i, ev := range r.Events {
		events[i] = ev.At + " " + ev.Kind
		if ev.Actor != "" {
			events[i] += " " + ev.Actor
		}
		if ev.Text != "" {
			events[i] += ": " + strings.Join(strings.Fields(ev.Text), " ")
		}
	}
	return c.w.Write([]string{r.ID, strconv.FormatInt(r.Number, 10), r.Status, r.Priority, r.Category, r.Team,
		cell(r.Location), cell(r.Device), cell(r.System), cell(r.Summary), r.Requester, r.Owner, r.ResolvedBy,
		cell(r.Resolution), r.CreatedAt, r.ClaimedAt, r.ResolvedAt, seconds(r.ClaimSeconds), seconds(r.ResolveSeconds),
		r.ClaimDeadline, r.Incident, strings.Join(events, " | ")})
}

func (c *csvRows) writeHeader() error {
	if c.header {
		return nil
	}
	c.header = true
	return c.w.Write(exportColumns)
}

func (c *csvRows) close() error {
	if err := c.writeHeader(); err != nil {
		return err
	}
	c.w.Flush()
	return c.w.Error()
}

// cell keeps a spreadsheet from reading a requester's words as a formula
// ("=HYPERLINK(…)"): text that starts like one gets a leading apostrophe,
// which spreadsheets show as plain text.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
