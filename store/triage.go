package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"carebot/ticket"
)

// Conversation is a ticket's open triage conversation: what carebot asked
// the requester and what it still means to ask. It lives in its own key with
// a TTL; the ticket's triage deadline, not the TTL, ends an unanswered one.
type Conversation struct {
	Ticket int64 `json:"ticket"`
	// Asked is the question waiting for an answer, or "selfhelp" while a
	// self-help answer is offered.
	Asked   string   `json:"asked"`
	Pending []string `json:"pending,omitempty"` // questions still to ask after Asked
	// Choices are the two categories the category question offers, best
	// first, kept until it is answered.
	Choices []string `json:"choices,omitempty"`
	// Deadline is when silence routes the ticket; an answer moves it.
	Deadline time.Time `json:"deadline"`
}

// Change is one state change of a ticket for Update: the ticket as it
// should be (its Rev the revision it was read at), the events to record, the
// conversation that follows (nil ends it) and the triage deadline (zero
// removes it from the deadline set).
type Change struct {
	Ticket       *ticket.Ticket
	Events       []ticket.Event
	Conversation *Conversation
	Deadline     time.Time
	// Once, when set, names the message or button press that causes the
	// change ("channel:ts" or an action's ID); the same one cannot apply twice.
	Once string
	// NextPage is when the ticket's next escalation page is due; zero takes
	// it off the escalation set.
	NextPage time.Time
}

// closedAt is when ticket t closed, for the closed index: when it was
// resolved, else its last change, else now.
func (s *Store) closedAt(t *ticket.Ticket) time.Time {
	switch {
	case !t.ResolvedAt.IsZero():
		return t.ResolvedAt
	case !t.UpdatedAt.IsZero():
		return t.UpdatedAt
	}
	return s.clock.Now()
}

// ErrConflict means the ticket changed since it was read; read it again and
// decide again.
var ErrConflict = errors.New("ticket changed meanwhile")

// ErrAlreadyApplied means the change's Once key was used before: the same
// message or press was handled already.
var ErrAlreadyApplied = errors.New("change already applied")

// Update applies c atomically if the ticket is still at c.Ticket.Rev, and
// advances c.Ticket.Rev. One round trip. It returns ErrConflict when another
// change came first, ErrAlreadyApplied for a repeated Once, and a
// ticket.NotFound error for a missing ticket.
func (s *Store) Update(ctx context.Context, c Change) error {
	t := *c.Ticket
	t.Rev++
	js, err := json.Marshal(toRecord(&t))
	if err != nil {
		return fmt.Errorf("update ticket %d: %w", t.Number, err)
	}
	line := ""
	for _, ev := range c.Events {
		l, err := eventLine(ev)
		if err != nil {
			return fmt.Errorf("update ticket %d: %w", t.Number, err)
		}
		line += l
	}
	convJS := ""
	if c.Conversation != nil {
		conv := *c.Conversation
		conv.Ticket, conv.Deadline = t.Number, c.Deadline
		b, err := json.Marshal(conv)
		if err != nil {
			return fmt.Errorf("update ticket %d: %w", t.Number, err)
		}
		convJS = string(b)
	}
	deadline := ""
	if !c.Deadline.IsZero() {
		deadline = strconv.FormatInt(ms(c.Deadline), 10)
	}
	nextPage := ""
	if !c.NextPage.IsZero() {
		nextPage = strconv.FormatInt(ms(c.NextPage), 10)
	}
	onceKey, onceTTL := s.keys.seen("-", "-"), ""
	if c.Once != "" {
		onceKey, onceTTL = s.keys.once(c.Once), strconv.FormatInt(int64(s.opts.SeenTTL/time.Second), 10)
	}
	res, err := s.update.Run(ctx, s.rdb,
		[]string{s.keys.tickets(), s.keys.events(), s.keys.conversation(t.Channel, t.ThreadTS), s.keys.triageDue(), onceKey,
			s.keys.claimDue(), s.keys.openIndex(), s.keys.claimedIndex(), s.keys.closed()},
		t.Number, c.Ticket.Rev, js, line, convJS, int64(s.opts.ConversationTTL/time.Second), deadline, onceTTL, nextPage, ms(s.closedAt(&t)),
	).Slice()
	if err != nil {
		return fmt.Errorf("update ticket %d: %w", t.Number, err)
	}
	switch res[0] {
	case int64(1):
		c.Ticket.Rev = t.Rev
		return nil
	case int64(-1):
		return ticket.Errorf(ticket.NotFound, "There is no ticket %d.", t.Number)
	case int64(2):
		return ErrAlreadyApplied
	}
	if fmt.Sprint(res[1]) == string(js) {
		c.Ticket.Rev = t.Rev // our own write, whose reply was lost and resent
		return nil
	}
	return ErrConflict
}

// TicketInThread returns the ticket whose requester thread is (channel,
// threadTS) with its open conversation (nil when none). One round trip for
// the lookup, one for the reads. A thread without a ticket is a
// ticket.NotFound error.
func (s *Store) TicketInThread(ctx context.Context, channel, threadTS string) (*ticket.Ticket, *Conversation, error) {
	n, err := s.rdb.HGet(ctx, s.keys.threads(), threadField(channel, threadTS)).Int64()
	if errors.Is(err, redis.Nil) {
		return nil, nil, ticket.Errorf(ticket.NotFound, "This thread has no ticket.")
	}
	if err != nil {
		return nil, nil, fmt.Errorf("ticket of thread: %w", err)
	}
	return s.TicketAndConversation(ctx, n)
}

// TicketAndConversation reads ticket n and its open conversation (nil when
// none) in one round trip.
func (s *Store) TicketAndConversation(ctx context.Context, n int64) (*ticket.Ticket, *Conversation, error) {
	field := strconv.FormatInt(n, 10)
	js, err := s.rdb.HGet(ctx, s.keys.tickets(), field).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil, ticket.Errorf(ticket.NotFound, "There is no ticket %d.", n)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read ticket %d: %w", n, err)
	}
	t, err := fromJSON(js)
	if err != nil {
		return nil, nil, err
	}
	s.saw(t.Number)
	raw, err := s.rdb.Get(ctx, s.keys.conversation(t.Channel, t.ThreadTS)).Bytes()
	if errors.Is(err, redis.Nil) {
		return t, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read conversation of ticket %d: %w", n, err)
	}
	var conv Conversation
	if err := json.Unmarshal(raw, &conv); err != nil {
		return nil, nil, fmt.Errorf("decode conversation of ticket %d: %w", n, err)
	}
	return t, &conv, nil
}

// DueEscalations hands this replica up to limit open tickets whose next
// escalation page is due at now, each leased for lease like DueTriage's.
// The cost grows with the pages due, not with the open tickets.
func (s *Store) DueEscalations(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]int64, error) {
	return s.dueFrom(ctx, s.keys.claimDue(), now, lease, limit)
}

// DropEscalation takes ticket n off the escalation set.
func (s *Store) DropEscalation(ctx context.Context, n int64) error {
	if err := s.rdb.ZRem(ctx, s.keys.claimDue(), n).Err(); err != nil {
		return fmt.Errorf("drop escalation of %d: %w", n, err)
	}
	return nil
}

// DueTriage hands this replica up to limit tickets whose triage deadline
// has passed at now. Each is leased for lease: if it is still in triage
// then (this replica died), it is handed out again.
func (s *Store) DueTriage(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]int64, error) {
	return s.dueFrom(ctx, s.keys.triageDue(), now, lease, limit)
}

func (s *Store) dueFrom(ctx context.Context, key string, now time.Time, lease time.Duration, limit int) ([]int64, error) {
	vals, err := s.due.Run(ctx, s.rdb, []string{key}, ms(now), lease.Milliseconds(), limit).StringSlice()
	if err != nil {
		return nil, fmt.Errorf("due tickets: %w", err)
	}
	out := make([]int64, 0, len(vals))
	for _, v := range vals {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("due tickets: bad ticket number %q", v)
		}
		out = append(out, n)
	}
	return out, nil
}

// ClaimResult says what Claim did.
type ClaimResult int

// The outcomes of Claim.
const (
	Claimed        ClaimResult = iota // the user owns the ticket now
	AlreadyYours                      // the user owned it already: nothing changed
	ClaimedByOther                    // someone else owns it; see the returned ticket's Owner
	NotClaimable                      // the ticket is not open (in triage, resolved, cancelled)
)

// Claim makes user the owner of open ticket n at time at. One round trip, one
// check-and-set: of two claims at the same moment, one wins. A missing
// ticket is a ticket.NotFound error.
func (s *Store) Claim(ctx context.Context, n int64, user string, at time.Time) (ClaimResult, *ticket.Ticket, error) {
	line, err := eventLine(ticket.Event{At: at, Actor: user, Kind: ticket.EventClaimed})
	if err != nil {
		return 0, nil, fmt.Errorf("claim ticket %d: %w", n, err)
	}
	res, err := s.claim.Run(ctx, s.rdb, []string{s.keys.tickets(), s.keys.events(), s.keys.claimDue(), s.keys.openIndex(), s.keys.claimedIndex(), s.keys.closed()},
		n, user, at.UTC().Format(time.RFC3339Nano), line, ms(at), callID()).Slice()
	if err != nil {
		return 0, nil, fmt.Errorf("claim ticket %d: %w", n, err)
	}
	if res[0] == int64(-1) {
		return 0, nil, ticket.Errorf(ticket.NotFound, "There is no ticket %d.", n)
	}
	t, err := fromJSON(fmt.Sprint(res[1]))
	if err != nil {
		return 0, nil, fmt.Errorf("claim ticket %d: %w", n, err)
	}
	switch res[0] {
	case int64(1):
		return Claimed, t, nil
	case int64(2):
		return AlreadyYours, t, nil
	case int64(0):
		return ClaimedByOther, t, nil
	}
	return NotClaimable, t, nil
}

// DropDue takes ticket n off the triage deadline set: for a ticket that no
// longer exists, which no update can take off.
func (s *Store) DropDue(ctx context.Context, n int64) error {
	if err := s.rdb.ZRem(ctx, s.keys.triageDue(), n).Err(); err != nil {
		return fmt.Errorf("drop triage deadline of %d: %w", n, err)
	}
	return nil
}

// ResolveResult says what Resolve did.
type ResolveResult int

// The outcomes of Resolve.
const (
	Resolved        ResolveResult = iota // resolved now
	AlreadyResolved                      // it was resolved before: nothing changed
	NotResolvable                        // in triage or cancelled
)

// Resolve resolves open or claimed ticket n as user at time at, recording
// note (redacted by the caller) as the resolution event. One round trip.
func (s *Store) Resolve(ctx context.Context, n int64, user, note string, at time.Time) (ResolveResult, *ticket.Ticket, error) {
	line, err := eventLine(ticket.Event{At: at, Actor: user, Kind: ticket.EventResolved, Text: note})
	if err != nil {
		return 0, nil, fmt.Errorf("resolve ticket %d: %w", n, err)
	}
	res, err := s.resolve.Run(ctx, s.rdb, []string{s.keys.tickets(), s.keys.events(), s.keys.claimDue(), s.keys.openIndex(),
		s.keys.claimedIndex(), s.keys.resolveDue(), s.keys.closed()},
		n, user, at.UTC().Format(time.RFC3339Nano), line, ms(at), callID()).Slice()
	if err != nil {
		return 0, nil, fmt.Errorf("resolve ticket %d: %w", n, err)
	}
	if res[0] == int64(-1) {
		return 0, nil, ticket.Errorf(ticket.NotFound, "There is no ticket %d.", n)
	}
	t, err := fromJSON(fmt.Sprint(res[1]))
	if err != nil {
		return 0, nil, fmt.Errorf("resolve ticket %d: %w", n, err)
	}
	switch res[0] {
	case int64(1):
		return Resolved, t, nil
	case int64(2):
		return AlreadyResolved, t, nil
	}
	return NotResolvable, t, nil
}

// Active returns the open (routed, unclaimed) and the claimed tickets, oldest
// first. They are few at any time; the cost does not grow with history.
func (s *Store) Active(ctx context.Context) (open, claimed []*ticket.Ticket, err error) {
	if open, err = s.indexed(ctx, s.keys.openIndex()); err != nil {
		return nil, nil, err
	}
	if claimed, err = s.indexed(ctx, s.keys.claimedIndex()); err != nil {
		return nil, nil, err
	}
	return open, claimed, nil
}

func (s *Store) indexed(ctx context.Context, key string) ([]*ticket.Ticket, error) {
	ids, err := s.rdb.ZRange(ctx, key, 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("read index: %w", err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	vals, err := s.rdb.HMGet(ctx, s.keys.tickets(), ids...).Result()
	if err != nil {
		return nil, fmt.Errorf("read indexed tickets: %w", err)
	}
	out := make([]*ticket.Ticket, 0, len(vals))
	for _, v := range vals {
		js, ok := v.(string)
		if !ok {
			continue
		}
		t, err := fromJSON(js)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b *ticket.Ticket) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return out, nil
}

// WatchResolve puts ticket n on the resolve-target set, due at at. With
// keep, a ticket already on it keeps its time (a reassignment does not
// restart the clock); without, the time is replaced (a reopening does).
func (s *Store) WatchResolve(ctx context.Context, n int64, at time.Time, keep bool) error {
	z := redis.Z{Score: float64(ms(at)), Member: n}
	var err error
	if keep {
		err = s.rdb.ZAddNX(ctx, s.keys.resolveDue(), z).Err()
	} else {
		err = s.rdb.ZAdd(ctx, s.keys.resolveDue(), z).Err()
	}
	if err != nil {
		return fmt.Errorf("watch resolve target of %d: %w", n, err)
	}
	return nil
}

// DueResolveBreaches hands this replica up to limit tickets past their
// resolve target at now, each leased like DueTriage's.
func (s *Store) DueResolveBreaches(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]int64, error) {
	return s.dueFrom(ctx, s.keys.resolveDue(), now, lease, limit)
}

// DropResolveWatch takes ticket n off the resolve-target set.
func (s *Store) DropResolveWatch(ctx context.Context, n int64) error {
	if err := s.rdb.ZRem(ctx, s.keys.resolveDue(), n).Err(); err != nil {
		return fmt.Errorf("drop resolve target of %d: %w", n, err)
	}
	return nil
}
