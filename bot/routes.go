package bot

import (
	"context"
	"fmt"
	"sort"

	"github.com/slack-go/slack"
)

// Event is one Events API event taken from the inbox.
type Event struct {
	ID     string // event_id, stable across Slack's retries
	TeamID string
	// Type is the subscription the event belongs to, as the app manifest
	// names it: "message.im", "message.channels", "app_mention",
	// "app_home_opened".
	Type string
	// Inner is the parsed inner event: *slackevents.MessageEvent,
	// *slackevents.AppMentionEvent, *slackevents.AppHomeOpenedEvent, ...
	Inner any
}

// EventFunc handles an event. An error leaves the event in the inbox to be
// tried again; a handler that has told the user about a problem it cannot
// fix returns nil.
type EventFunc func(ctx context.Context, ev Event) error

// CommandFunc handles a slash command and returns the reply to ack it with
// (nil for a bare ack). It should answer within about two seconds; if it
// takes longer the bot acks bare and sends the reply to response_url.
type CommandFunc func(ctx context.Context, cmd slack.SlashCommand) (*Reply, error)

// ActionFunc handles one block action of an interaction.
type ActionFunc func(ctx context.Context, cb slack.InteractionCallback, action *slack.BlockAction) (*Reply, error)

// Reply is the answer to a slash command or a button: shown only to the user
// who asked, unless InChannel.
type Reply struct {
	Text            string // always set: it is the notification and fallback text
	Blocks          []slack.Block
	InChannel       bool
	ReplaceOriginal bool
}

// ackPayload is the reply as a Socket Mode ack payload.
func (r *Reply) ackPayload() map[string]any {
	p := map[string]any{"text": r.Text, "response_type": "ephemeral"}
	if r.InChannel {
		p["response_type"] = "in_channel"
	}
	if len(r.Blocks) > 0 {
		p["blocks"] = r.Blocks
	}
	if r.ReplaceOriginal {
		p["replace_original"] = true
	}
	return p
}

// Routes is the one routing table from Slack's identifiers (event
// subscriptions, slash commands, action IDs) to handlers. Registering an
// identifier twice is an error reported by Err, so it fails at start-up.
type Routes struct {
	events   map[string]EventFunc
	commands map[string]CommandFunc
	actions  map[string]ActionFunc
	err      error
}

// NewRoutes returns an empty routing table.
func NewRoutes() *Routes {
	return &Routes{events: map[string]EventFunc{}, commands: map[string]CommandFunc{}, actions: map[string]ActionFunc{}}
}

// Event routes an event subscription (as named in the manifest) to f.
func (r *Routes) Event(subscription string, f EventFunc) {
	if _, dup := r.events[subscription]; dup && r.err == nil {
		r.err = fmt.Errorf("routes: event %q registered twice", subscription)
	}
	r.events[subscription] = f
}

// Command routes a slash command ("/ticket") to f.
func (r *Routes) Command(command string, f CommandFunc) {
	if _, dup := r.commands[command]; dup && r.err == nil {
		r.err = fmt.Errorf("routes: command %q registered twice", command)
	}
	r.commands[command] = f
}

// Action routes a block action ID to f.
func (r *Routes) Action(actionID string, f ActionFunc) {
	if _, dup := r.actions[actionID]; dup && r.err == nil {
		r.err = fmt.Errorf("routes: action %q registered twice", actionID)
	}
	r.actions[actionID] = f
}

// Err reports the first registration error.
func (r *Routes) Err() error { return r.err }

// Events lists the routed event subscriptions, sorted.
func (r *Routes) Events() []string { return sortedKeys(r.events) }

// Commands lists the routed slash commands, sorted.
func (r *Routes) Commands() []string { return sortedKeys(r.commands) }

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
