package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"carebot/ticket"
)

// Suggestion is a possible outage: several similar reports from more than
// one unit within the outage window, waiting for a specialist to declare it
// an incident or mark it not related.
type Suggestion struct {
	ID    int64
	Key   string // the outage key the reports share, such as "system:epic"
	Label string // what they are about, as people say it: "Epic", "EHR"
	// Tickets are the reports in the window when the suggestion was made.
	Tickets     []int64
	Units       int
	First, Last time.Time // the first and the latest report
	Incident    int64     // the incident it was declared as, or 0
	DismissedBy string    // who marked it not related, or ""
}

// Incident is a declared outage, INC-n, with the tickets linked to it.
type Incident struct {
	Number     int64
	Status     string // "open" or "resolved"
	Key, Label string
	Tickets    []int64
	DeclaredBy string
	DeclaredAt time.Time
	ResolvedBy string
	ResolvedAt time.Time
}

// suggestionRecord and incidentRecord are the stored forms: no arrays (the
// scripts' cjson would re-encode an empty one as an object), so ticket lists
// are comma-separated numbers.
type suggestionRecord struct {
	ID          int64  `json:"id"`
	Key         string `json:"key"`
	Label       string `json:"label"`
	Tickets     string `json:"tickets"`
	Units       int    `json:"units"`
	FirstMS     int64  `json:"first_ms"`
	LastMS      int64  `json:"last_ms"`
	Incident    int64  `json:"incident,omitempty"`
	DismissedBy string `json:"dismissed_by,omitempty"`
}

type incidentRecord struct {
	Number     int64  `json:"number"`
	Status     string `json:"status"`
	Key        string `json:"key"`
	Label      string `json:"label"`
	Tickets    string `json:"tickets"`
	DeclaredBy string `json:"declared_by"`
	DeclaredAt string `json:"declared_at"`
	ResolvedBy string `json:"resolved_by,omitempty"`
	ResolvedAt string `json:"resolved_at,omitempty"`
}

func numberList(s string) []int64 {
	var out []int64
	for f := range strings.SplitSeq(s, ",") {
		if n, err := strconv.ParseInt(f, 10, 64); err == nil {
			out = append(out, n)
		}
	}
	return out
}

func decodeSuggestion(js string) (*Suggestion, error) {
	var r suggestionRecord
	if err := json.Unmarshal([]byte(js), &r); err != nil {
		return nil, fmt.Errorf("decode outage suggestion: %w", err)
	}
	return &Suggestion{ID: r.ID, Key: r.Key, Label: r.Label, Tickets: numberList(r.Tickets), Units: r.Units,
		First: time.UnixMilli(r.FirstMS), Last: time.UnixMilli(r.LastMS), Incident: r.Incident, DismissedBy: r.DismissedBy}, nil
}

func decodeIncident(js string) (*Incident, error) {
	var r incidentRecord
	if err := json.Unmarshal([]byte(js), &r); err != nil {
		return nil, fmt.Errorf("decode incident: %w", err)
	}
	return &Incident{Number: r.Number, Status: r.Status, Key: r.Key, Label: r.Label, Tickets: numberList(r.Tickets),
		DeclaredBy: r.DeclaredBy, DeclaredAt: parseTime(r.DeclaredAt), ResolvedBy: r.ResolvedBy, ResolvedAt: parseTime(r.ResolvedAt)}, nil
}

// OutageKey is one way reports can be alike: Key names it in Redis
// ("category:ehr"), Label in messages ("EHR").
type OutageKey struct{ Key, Label string }

// Outage settings: reports within Window matching one key, from two or more
// units, make a suggestion once there are Reports of them.
type OutageRule struct {
	Window  time.Duration
	Reports int
}

// ObserveReport records new ticket n, from unit, under each of its outage
// keys at time at. If an open incident holds one of the keys, the ticket is
// linked to it and that incident is returned. Otherwise, if this report
// makes a key reach the rule's threshold, a suggestion is returned; a key
// gets at most one suggestion per window. One round trip.
func (s *Store) ObserveReport(ctx context.Context, n int64, unit string, ks []OutageKey, at time.Time, rule OutageRule) (*Incident, *Suggestion, error) {
	if len(ks) == 0 {
		return nil, nil, nil
	}
	keys := []string{s.keys.tickets(), s.keys.incidents(), s.keys.suggestions(), s.keys.suggestionSeq(), s.keys.claimDue(), s.keys.resolveDue()}
	args := []any{n, strings.ReplaceAll(unit, "|", "/"), ms(at), rule.Window.Milliseconds(), rule.Reports}
	for _, k := range ks {
		keys = append(keys, s.keys.outage(k.Key), s.keys.outageMark(k.Key), s.keys.incidentActive(k.Key))
		args = append(args, k.Key, k.Label)
	}
	res, err := s.observe.Run(ctx, s.rdb, keys, args...).Slice()
	if err != nil {
		return nil, nil, fmt.Errorf("observe report %d: %w", n, err)
	}
	switch res[0] {
	case int64(1):
		inc, err := decodeIncident(fmt.Sprint(res[1]))
		return inc, nil, err
	case int64(2):
		sg, err := decodeSuggestion(fmt.Sprint(res[1]))
		return nil, sg, err
	}
	return nil, nil, nil
}

// OpenIncident returns the open incident holding one of the outage keys, or
// nil: a report that matches one is linked to it rather than triaged.
// One round trip.
func (s *Store) OpenIncident(ctx context.Context, ks []OutageKey) (*Incident, error) {
	if len(ks) == 0 {
		return nil, nil
	}
	keys := []string{s.keys.incidents()}
	for _, k := range ks {
		keys = append(keys, s.keys.incidentActive(k.Key))
	}
	js, err := s.openIncident.Run(ctx, s.rdb, keys).Text()
	if err != nil {
		return nil, fmt.Errorf("open incident: %w", err)
	}
	if js == "" {
		return nil, nil
	}
	return decodeIncident(js)
}

// Incident reads incident n. A missing one is a ticket.NotFound error.
func (s *Store) Incident(ctx context.Context, n int64) (*Incident, error) {
	js, err := s.rdb.HGet(ctx, s.keys.incidents(), strconv.FormatInt(n, 10)).Result()
	if err != nil {
		return nil, ticket.Errorf(ticket.NotFound, "There is no incident %s.", ticket.FormatID(ticket.IncidentPrefix, n))
	}
	return decodeIncident(js)
}

// Suggestion reads suggestion id. A missing one is a ticket.NotFound error.
func (s *Store) Suggestion(ctx context.Context, id int64) (*Suggestion, error) {
	js, err := s.rdb.HGet(ctx, s.keys.suggestions(), strconv.FormatInt(id, 10)).Result()
	if err != nil {
		return nil, ticket.Errorf(ticket.NotFound, "That outage suggestion is gone.")
	}
	return decodeSuggestion(js)
}

// DeclareResult says what DeclareIncident did.
type DeclareResult int

// The outcomes of DeclareIncident.
const (
	Declared        DeclareResult = iota // a new incident
	Joined                               // the outage's open incident took the reports
	AlreadyDeclared                      // declared before: the incident it became
	Dismissed                            // marked not related before
)

// Declaration is what DeclareIncident did.
type Declaration struct {
	Result     DeclareResult
	Incident   *Incident   // nil when Dismissed
	Suggestion *Suggestion // as read before the declaration
	// Linked are the tickets linked by this declaration: the suggestion's,
	// and the reports of the same outage since, that were still open.
	Linked []int64
}

// DeclareIncident declares suggestion id an incident as user at time at,
// linking its open tickets and the reports of the outage since. If the
// outage already has an open incident, they join it. One round trip after
// reading the suggestion.
func (s *Store) DeclareIncident(ctx context.Context, id int64, user string, at time.Time) (Declaration, error) {
	sg, err := s.Suggestion(ctx, id)
	if err != nil {
		return Declaration{}, err
	}
	d := Declaration{Suggestion: sg}
	res, err := s.declare.Run(ctx, s.rdb,
		[]string{s.keys.suggestions(), s.keys.incidents(), s.keys.incidentSeq(), s.keys.tickets(), s.keys.claimDue(),
			s.keys.resolveDue(), s.keys.incidentActive(sg.Key), s.keys.outage(sg.Key)},
		id, user, at.UTC().Format(time.RFC3339Nano), callID()).Slice()
	if err != nil {
		return d, fmt.Errorf("declare incident: %w", err)
	}
	switch res[0] {
	case int64(-1):
		return d, ticket.Errorf(ticket.NotFound, "That outage suggestion is gone.")
	case int64(-2):
		d.Result = Dismissed
		d.Suggestion, err = decodeSuggestion(fmt.Sprint(res[1]))
		return d, err
	}
	if d.Incident, err = decodeIncident(fmt.Sprint(res[1])); err != nil {
		return d, err
	}
	d.Linked = numberList(fmt.Sprint(res[2]))
	switch res[0] {
	case int64(1):
		d.Result = Declared
	case int64(3):
		d.Result = Joined
	default:
		d.Result = AlreadyDeclared
	}
	return d, nil
}

// DismissSuggestion marks suggestion id not related. It returns the
// suggestion; one already declared keeps its incident (see Incident).
func (s *Store) DismissSuggestion(ctx context.Context, id int64, user string) (*Suggestion, error) {
	res, err := s.dismiss.Run(ctx, s.rdb, []string{s.keys.suggestions()}, id, user).Slice()
	if err != nil {
		return nil, fmt.Errorf("dismiss outage suggestion: %w", err)
	}
	if res[0] == int64(-1) {
		return nil, ticket.Errorf(ticket.NotFound, "That outage suggestion is gone.")
	}
	return decodeSuggestion(fmt.Sprint(res[1]))
}

// ResolveIncident resolves open incident n as user at time at, and with it
// every linked ticket still open, each with note as its resolution event.
// It returns the incident, the tickets it resolved, and whether it was
// already resolved (then nothing changed). One round trip after reading the
// incident.
func (s *Store) ResolveIncident(ctx context.Context, n int64, user, note string, at time.Time) (*Incident, []*ticket.Ticket, bool, error) {
	inc, err := s.Incident(ctx, n)
	if err != nil {
		return nil, nil, false, err
	}
	line, err := eventLine(ticket.Event{At: at, Actor: user, Kind: ticket.EventResolved, Text: note})
	if err != nil {
		return nil, nil, false, fmt.Errorf("resolve incident %d: %w", n, err)
	}
	res, err := s.resolveIncident.Run(ctx, s.rdb,
		[]string{s.keys.incidents(), s.keys.tickets(), s.keys.events(), s.keys.claimDue(), s.keys.resolveDue(), s.keys.triageDue(),
			s.keys.openIndex(), s.keys.claimedIndex(), s.keys.closed(), s.keys.incidentActive(inc.Key)},
		n, user, at.UTC().Format(time.RFC3339Nano), ms(at), line, "resolved with "+ticket.FormatID(ticket.IncidentPrefix, n), callID()).Slice()
	if err != nil {
		return nil, nil, false, fmt.Errorf("resolve incident %d: %w", n, err)
	}
	if res[0] == int64(-1) {
		return nil, nil, false, ticket.Errorf(ticket.NotFound, "There is no incident %s.", ticket.FormatID(ticket.IncidentPrefix, n))
	}
	if inc, err = decodeIncident(fmt.Sprint(res[1])); err != nil {
		return nil, nil, false, err
	}
	var closed []*ticket.Ticket
	for _, v := range res[2:] {
		t, err := fromJSON(fmt.Sprint(v))
		if err != nil {
			return nil, nil, false, err
		}
		closed = append(closed, t)
	}
	return inc, closed, res[0] == int64(2), nil
}

// callID names one call of a script, so a run that go-redis sends again
// after losing its reply is told from a second, separate call.
func callID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
