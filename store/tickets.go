package store

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"carebot/ticket"
)

// record is a ticket as stored: JSON with times as RFC 3339 strings, so the
// Lua scripts can decode and re-encode it without losing precision.
//
// It has no arrays: cjson would re-encode an empty one as an object.
type record struct {
	Number      int64  `json:"number"`
	Rev         int64  `json:"rev"`
	Status      string `json:"status"`
	Category    string `json:"category"`
	Priority    int    `json:"priority,omitempty"`
	Reasons     string `json:"reasons,omitempty"`
	Location    string `json:"location,omitempty"`
	Device      string `json:"device,omitempty"`
	Callback    string `json:"callback,omitempty"`
	System      string `json:"system,omitempty"`
	Care        string `json:"care,omitempty"`
	Scope       string `json:"scope,omitempty"`
	Resolution  string `json:"resolution,omitempty"`
	Team        string `json:"team,omitempty"`
	TeamChannel string `json:"team_channel,omitempty"`
	TeamTS      string `json:"team_ts,omitempty"`
	Owner       string `json:"owner,omitempty"`
	ClaimedAt   string `json:"claimed_at,omitempty"`
	ClaimBy     string `json:"claim_deadline,omitempty"`
	EscStep     int    `json:"esc_step,omitempty"`
	Incident    int64  `json:"incident,omitempty"`
	ResolvedBy  string `json:"resolved_by,omitempty"`
	ResolvedAt  string `json:"resolved_at,omitempty"`
	Summary     string `json:"summary"`
	Requester   string `json:"requester"`
	Source      string `json:"source"`
	Channel     string `json:"channel"`
	ThreadTS    string `json:"thread_ts"`
	ReplyTS     string `json:"reply_ts,omitempty"`
	CreatedAt   string `json:"created_at"`
	UpdatedAt   string `json:"updated_at"`
}

func toRecord(t *ticket.Ticket) record {
	return record{
		Number: t.Number, Rev: t.Rev, Status: string(t.Status), Category: string(t.Category),
		Priority: int(t.Priority), Reasons: t.Reasons, Location: t.Location, Device: t.Device,
		Callback: t.Callback, System: t.System, Care: t.Care, Scope: t.Scope, Resolution: t.Resolution,
		Team: t.Team, TeamChannel: t.TeamChannel, TeamTS: t.TeamTS, Owner: t.Owner, ClaimedAt: timeString(t.ClaimedAt),
		ClaimBy: timeString(t.ClaimDeadline), EscStep: t.EscStep, Incident: t.Incident,
		ResolvedBy: t.ResolvedBy, ResolvedAt: timeString(t.ResolvedAt),
		Summary: t.Summary, Requester: t.Requester, Source: string(t.Source),
		Channel: t.Channel, ThreadTS: t.ThreadTS, ReplyTS: t.ReplyTS,
		CreatedAt: t.CreatedAt.UTC().Format(time.RFC3339Nano), UpdatedAt: t.UpdatedAt.UTC().Format(time.RFC3339Nano),
	}
}

func fromJSON(js string) (*ticket.Ticket, error) {
	var r record
	if err := json.Unmarshal([]byte(js), &r); err != nil {
		return nil, fmt.Errorf("decode ticket: %w", err)
	}
	created, _ := time.Parse(time.RFC3339Nano, r.CreatedAt)
	updated, _ := time.Parse(time.RFC3339Nano, r.UpdatedAt)
	return &ticket.Ticket{
		Number: r.Number, Rev: r.Rev, Status: ticket.Status(r.Status), Category: ticket.Category(r.Category),
		Priority: ticket.Priority(r.Priority), Reasons: r.Reasons, Location: r.Location, Device: r.Device,
		Callback: r.Callback, System: r.System, Care: r.Care, Scope: r.Scope, Resolution: r.Resolution,
		Team: r.Team, TeamChannel: r.TeamChannel, TeamTS: r.TeamTS, Owner: r.Owner, ClaimedAt: parseTime(r.ClaimedAt),
		ClaimDeadline: parseTime(r.ClaimBy), EscStep: r.EscStep, Incident: r.Incident,
		ResolvedBy: r.ResolvedBy, ResolvedAt: parseTime(r.ResolvedAt),
		Summary: r.Summary, Requester: r.Requester, Source: ticket.Source(r.Source),
		Channel: r.Channel, ThreadTS: r.ThreadTS, ReplyTS: r.ReplyTS,
		CreatedAt: created, UpdatedAt: updated,
	}, nil
}

func timeString(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

func eventLine(ev ticket.Event) (string, error) {
	b, err := json.Marshal(ev)
	if err != nil {
		return "", fmt.Errorf("encode event: %w", err)
	}
	return string(b) + "\n", nil
}

// CreateTicket stores t (its Number is assigned here) with its first event,
// keyed by the requester's thread (t.Channel, t.ThreadTS): if that thread
// already has a ticket, that ticket is returned with created false, and if
// the creating message (t.Channel, first.Source) is not the one that made
// it, its words are added to it as a follow-up. One round trip.
//
// A ticket created in triage is given its conversation and a triage deadline
// in the same step (see CreateInTriage), so no ticket can sit in triage
// unnoticed.
func (s *Store) CreateTicket(ctx context.Context, t *ticket.Ticket, first ticket.Event) (stored *ticket.Ticket, created bool, err error) {
	return s.createTicket(ctx, t, first, nil, time.Time{})
}

// CreateInTriage is CreateTicket for a ticket that starts a triage
// conversation: conv is stored with it (its Ticket field is filled in) and
// the ticket is due to leave triage at deadline.
func (s *Store) CreateInTriage(ctx context.Context, t *ticket.Ticket, first ticket.Event, conv *Conversation, deadline time.Time) (*ticket.Ticket, bool, error) {
	return s.createTicket(ctx, t, first, conv, deadline)
}

// CreateOpen is CreateTicket for a ticket that is routed at once: it is due
// at routeBy on the same deadline set as triage, so that if the replica
// routing it stops before the team post is recorded, another one routes it.
// Recording the team post (Update with no deadline) takes it off the set.
func (s *Store) CreateOpen(ctx context.Context, t *ticket.Ticket, first ticket.Event, routeBy time.Time) (*ticket.Ticket, bool, error) {
	return s.createTicket(ctx, t, first, nil, routeBy)
}

func (s *Store) createTicket(ctx context.Context, t *ticket.Ticket, first ticket.Event, conv *Conversation, deadline time.Time) (stored *ticket.Ticket, created bool, err error) {
	if t.Channel == "" || t.ThreadTS == "" || t.Requester == "" {
		return nil, false, errors.New("create ticket: channel, thread and requester are required")
	}
	rec := toRecord(t)
	rec.Number = 0
	js, err := json.Marshal(rec)
	if err != nil {
		return nil, false, fmt.Errorf("create ticket: %w", err)
	}
	line, err := eventLine(first)
	if err != nil {
		return nil, false, fmt.Errorf("create ticket: %w", err)
	}
	convJS, deadlineMS := "", ""
	if conv != nil {
		withDeadline := *conv
		withDeadline.Deadline = deadline
		b, err := json.Marshal(withDeadline)
		if err != nil {
			return nil, false, fmt.Errorf("create ticket: %w", err)
		}
		convJS = string(b)
	}
	if !deadline.IsZero() {
		deadlineMS = strconv.FormatInt(ms(deadline), 10)
	}
	msgTS := first.Source
	if msgTS == "" {
		msgTS = t.ThreadTS
	}
	follow := first
	follow.Kind, follow.Text = ticket.EventFollowUp, t.Summary
	followLine, err := eventLine(follow)
	if err != nil {
		return nil, false, fmt.Errorf("create ticket: %w", err)
	}
	res, err := s.create.Run(ctx, s.rdb,
		[]string{s.keys.seq(), s.keys.tickets(), s.keys.events(), s.keys.threads(), s.keys.created(),
			s.keys.requester(t.Requester), s.keys.triageDue(), s.keys.conversation(t.Channel, t.ThreadTS),
			s.keys.seen(t.Channel, msgTS), s.keys.openIndex(), s.keys.claimedIndex(), s.keys.closed()},
		threadField(t.Channel, t.ThreadTS), js, line, ms(t.CreatedAt), convJS, deadlineMS,
		int64(s.opts.ConversationTTL/time.Second), followLine, int64(s.opts.SeenTTL/time.Second), s.highest.Load(),
	).Slice()
	if err != nil {
		return nil, false, fmt.Errorf("create ticket: %w", err)
	}
	stored, err = fromJSON(fmt.Sprint(res[1]))
	if err != nil {
		return nil, false, fmt.Errorf("create ticket: %w", err)
	}
	s.saw(stored.Number)
	if len(res) > 2 && res[2] == int64(1) && s.opts.OnDataLoss != nil {
		s.opts.OnDataLoss(fmt.Sprintf("the ticket counter was behind the tickets that exist or were seen; "+
			"numbering goes on from %d so that no number is used twice", stored.Number))
	}
	return stored, res[0] == int64(1), nil
}

// FollowUpResult says what AddFollowUp did.
type FollowUpResult int

// The outcomes of AddFollowUp.
const (
	FollowUpAdded        FollowUpResult = iota // appended to the ticket's trail
	FollowUpDuplicate                          // this message was already added
	FollowUpNoTicket                           // the thread is not a ticket's
	FollowUpNotOwnTicket                       // the author is not the requester
)

// AddFollowUp appends the requester's message (channel, ts) in thread
// threadTS to the audit trail of that thread's ticket. One round trip.
func (s *Store) AddFollowUp(ctx context.Context, channel, threadTS, ts string, ev ticket.Event) (FollowUpResult, *ticket.Ticket, error) {
	line, err := eventLine(ev)
	if err != nil {
		return 0, nil, fmt.Errorf("follow-up: %w", err)
	}
	res, err := s.followUp.Run(ctx, s.rdb,
		[]string{s.keys.threads(), s.keys.tickets(), s.keys.events(), s.keys.seen(channel, ts)},
		threadField(channel, threadTS), ev.Actor, line, int64(s.opts.SeenTTL/time.Second), ev.At.UTC().Format(time.RFC3339Nano),
	).Slice()
	if err != nil {
		return 0, nil, fmt.Errorf("follow-up: %w", err)
	}
	var t *ticket.Ticket
	if js := fmt.Sprint(res[1]); js != "" {
		if t, err = fromJSON(js); err != nil {
			return 0, nil, fmt.Errorf("follow-up: %w", err)
		}
	}
	switch res[0] {
	case int64(1):
		return FollowUpAdded, t, nil
	case int64(0):
		return FollowUpDuplicate, t, nil
	case int64(-2):
		return FollowUpNotOwnTicket, t, nil
	}
	return FollowUpNoTicket, nil, nil
}

// SetReplyTS records the ts of the bot's first reply to ticket n, so handling
// the same report again does not reply twice.
func (s *Store) SetReplyTS(ctx context.Context, n int64, ts string) error {
	if err := s.setReply.Run(ctx, s.rdb, []string{s.keys.tickets()}, n, ts).Err(); err != nil {
		return fmt.Errorf("set reply of ticket %d: %w", n, err)
	}
	return nil
}

// Ticket reads ticket n. A missing ticket is a ticket.NotFound error.
func (s *Store) Ticket(ctx context.Context, n int64) (*ticket.Ticket, error) {
	js, err := s.rdb.HGet(ctx, s.keys.tickets(), strconv.FormatInt(n, 10)).Result()
	if errors.Is(err, redis.Nil) {
		return nil, ticket.Errorf(ticket.NotFound, "There is no ticket %d.", n)
	}
	if err != nil {
		return nil, fmt.Errorf("read ticket %d: %w", n, err)
	}
	s.saw(n)
	return fromJSON(js)
}

// Events reads the audit trail of ticket n, oldest first.
func (s *Store) Events(ctx context.Context, n int64) ([]ticket.Event, error) {
	raw, err := s.rdb.HGet(ctx, s.keys.events(), strconv.FormatInt(n, 10)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read events of ticket %d: %w", n, err)
	}
	evs, err := decodeEvents(raw)
	if err != nil {
		return nil, fmt.Errorf("events of ticket %d: %w", n, err)
	}
	return evs, nil
}

// decodeEvents reads an audit trail: one JSON event a line.
func decodeEvents(raw []byte) ([]ticket.Event, error) {
	var out []ticket.Event
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		var ev ticket.Event
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			return nil, fmt.Errorf("decode event: %w", err)
		}
		out = append(out, ev)
	}
	return out, sc.Err()
}

// TicketsOf returns up to limit of user's tickets, newest first.
func (s *Store) TicketsOf(ctx context.Context, user string, limit int) ([]*ticket.Ticket, error) {
	ids, err := s.rdb.ZRevRange(ctx, s.keys.requester(user), 0, int64(limit-1)).Result()
	if err != nil {
		return nil, fmt.Errorf("tickets of %s: %w", user, err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	vals, err := s.rdb.HMGet(ctx, s.keys.tickets(), ids...).Result()
	if err != nil {
		return nil, fmt.Errorf("tickets of %s: %w", user, err)
	}
	out := make([]*ticket.Ticket, 0, len(vals))
	for _, v := range vals {
		js, ok := v.(string)
		if !ok {
			continue // deleted by retention after the index was read
		}
		t, err := fromJSON(js)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}
