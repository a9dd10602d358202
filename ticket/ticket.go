// Package ticket holds carebot's domain: tickets, their statuses, the events
// that make up their audit trail, and the errors shown to users. It knows
// nothing of Slack or Redis.
package ticket

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Status is where a ticket is in its life.
type Status string

// The statuses of DESIGN.md §2. A reopened ticket goes back to StatusOpen.
const (
	StatusTriage    Status = "triage"
	StatusOpen      Status = "open"
	StatusClaimed   Status = "claimed"
	StatusResolved  Status = "resolved"
	StatusCancelled Status = "cancelled"
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	switch s {
	case StatusTriage, StatusOpen, StatusClaimed, StatusResolved, StatusCancelled:
		return true
	}
	return false
}

// Closed reports whether a ticket in status s needs no more work.
func (s Status) Closed() bool { return s == StatusResolved || s == StatusCancelled }

// Source says how a report reached carebot.
type Source string

// The surfaces a report can come from.
const (
	SourceDM      Source = "dm"
	SourceMention Source = "mention"
	SourceIntake  Source = "intake"
	SourceCommand Source = "command"
)

// Ticket is one reported problem.
type Ticket struct {
	Number   int64
	Status   Status
	Category Category
	Priority Priority
	// Reasons says why the ticket has its priority, as fragments joined by
	// " · " ("EHR is high impact · unit-wide · patient care blocked").
	Reasons  string
	Location string
	Device   string // asset tag or device ID
	Callback string // staff callback extension
	System   string // affected system, such as "Epic"
	// Care and Scope are what is known of patient-care impact and of how many
	// people are affected (the triage package's values; "" when unknown).
	Care, Scope string
	// Resolution says how a closed ticket ended, such as "self-served".
	Resolution string
	// Team is the ID of the team the ticket is routed to; TeamChannel and
	// TeamTS locate its post there, which is updated as the ticket moves.
	Team, TeamChannel, TeamTS string
	// Owner is the specialist who claimed the ticket, at ClaimedAt.
	Owner     string
	ClaimedAt time.Time
	// ClaimDeadline is when an unclaimed ticket starts escalating; EscStep is
	// the index of its next escalation page.
	ClaimDeadline time.Time
	EscStep       int
	// Incident is the number of the declared incident (INC-n) the ticket is
	// linked to, or 0: a linked ticket is neither routed nor escalated on its
	// own, and resolving the incident resolves it.
	Incident int64
	// ResolvedBy resolved the ticket at ResolvedAt.
	ResolvedBy string
	ResolvedAt time.Time
	Summary    string // the requester's words, cleaned and redacted; never logged
	Requester  string // Slack user ID
	Source     Source
	// Channel and ThreadTS locate the requester's thread, where every reply goes.
	Channel   string
	ThreadTS  string
	ReplyTS   string // the bot's first reply in that thread, once posted
	CreatedAt time.Time
	UpdatedAt time.Time
	// Rev counts the ticket's stored changes; an update names the revision
	// it read, so two concurrent changes cannot both apply.
	Rev int64
}

// EventKind names what happened to a ticket.
type EventKind string

// The kinds of event in a ticket's audit trail.
const (
	EventCreated    EventKind = "created"
	EventFollowUp   EventKind = "follow_up" // the requester added to the report
	EventAnswered   EventKind = "answered"  // a triage question was answered
	EventRouted     EventKind = "routed"    // triage ended; the ticket is open
	EventCancelled  EventKind = "cancelled" // the requester withdrew it in triage
	EventSelfServed EventKind = "self_served"
	EventClaimed    EventKind = "claimed"
	EventEscalated  EventKind = "escalated"
	EventResolved   EventKind = "resolved"
	EventReopened   EventKind = "reopened"
	EventNote       EventKind = "note" // internal, for IT only
	EventReassigned EventKind = "reassigned"
)

// ResolutionSelfServed marks a ticket the requester fixed with a self-help answer.
const ResolutionSelfServed = "self-served"

// ReopenWindow is how long after resolution a requester may reopen a ticket.
const ReopenWindow = 72 * time.Hour

// Event is one entry of a ticket's audit trail: who did what, when.
type Event struct {
	At    time.Time `json:"at"`
	Actor string    `json:"actor"`
	Kind  EventKind `json:"kind"`
	Text  string    `json:"text,omitempty"`
	// Source is the ts of the Slack message that caused the event, when one
	// did; a ticket's first event names the message that reported it.
	Source string `json:"source,omitempty"`
}

// FormatID renders ticket number n with prefix, as users see it: "IT-42".
func FormatID(prefix string, n int64) string {
	return prefix + "-" + strconv.FormatInt(n, 10)
}

// IncidentPrefix is the prefix of incident IDs: "INC-3".
const IncidentPrefix = "INC"

// ParseID accepts "IT-42", "it-42", "#42" or "42" and returns 42. A different
// prefix is an error, so "INC-3" is not mistaken for a ticket.
func ParseID(prefix, s string) (int64, error) {
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "#"))
	digits := s
	if i := strings.LastIndexByte(s, '-'); i >= 0 {
		if !strings.EqualFold(s[:i], prefix) {
			return 0, Errorf(Invalid, "%q is not a ticket ID: use %s or just the number", s, FormatID(prefix, 42))
		}
		digits = s[i+1:]
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || n <= 0 {
		return 0, Errorf(Invalid, "%q is not a ticket ID: use %s or just the number", s, FormatID(prefix, 42))
	}
	return n, nil
}

// Code classifies an Error for the edge that shows it.
type Code string

// Error codes.
const (
	NotFound  Code = "not_found"
	Invalid   Code = "invalid"
	Conflict  Code = "conflict"
	Forbidden Code = "forbidden"
	Internal  Code = "internal"
)

// Error is a domain error whose Message is safe to show to the user.
type Error struct {
	Code    Code
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with a formatted, user-safe message.
func Errorf(code Code, format string, args ...any) error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// IsNotFound reports whether err is a NotFound *Error.
func IsNotFound(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == NotFound
}
