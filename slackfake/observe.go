package slackfake

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// feedBuffer is how many posts a Subscribe channel holds before the Server drops new ones.
const feedBuffer = 256

// Post is a message the app made visible to users.
//
// Posts returns chat.postMessage and chat.postEphemeral calls. The Subscribe feed also carries
// chat.update calls (Update), response_url replies (ResponseURL) and slash command ack payloads
// (AckReply).
type Post struct {
	Channel  string
	TS       string
	ThreadTS string
	// Text and Blocks are as first posted; see Current for the latest version.
	Text   string
	Blocks json.RawMessage
	// User is the only user who sees an ephemeral message or reply.
	User      string
	Ephemeral bool
	// Updated holds the text of each chat.update of this post, oldest first, and UpdatedBlocks
	// the matching blocks (nil where an update had none).
	Updated       []string
	UpdatedBlocks []json.RawMessage

	Update      bool // feed only: a chat.update of the post at Channel and TS
	ResponseURL bool // feed only: a reply posted to a response_url
	AckReply    bool // feed only: a message in a slash command's ack
}

// Current returns the post's latest text and blocks, after any chat.update.
func (p Post) Current() (text string, blocks json.RawMessage) {
	if n := len(p.Updated); n > 0 {
		return p.Updated[n-1], p.UpdatedBlocks[n-1]
	}
	return p.Text, p.Blocks
}

func (p Post) clone() Post {
	p.Updated = slices.Clone(p.Updated)
	p.UpdatedBlocks = slices.Clone(p.UpdatedBlocks)
	return p
}

// ResponsePost is a body posted to a response_url.
type ResponsePost struct {
	URL     string
	Channel string // channel of the command or interaction that issued the URL
	User    string
	Body    json.RawMessage
	At      time.Time

	Text            string
	ResponseType    string
	ReplaceOriginal bool
	DeleteOriginal  bool
}

// Reaction is a reactions.add call.
type Reaction struct {
	Channel string
	TS      string
	Name    string
}

// View is a views.publish, views.open, views.push or views.update call.
type View struct {
	Method    string
	UserID    string // views.publish, and the user of the trigger for views.open and views.push
	TriggerID string
	ViewID    string
	View      json.RawMessage
}

// message is an entry in a channel's history.
type message struct {
	ts, threadTS string
	user, botID  string
	text         string
	blocks       json.RawMessage
	edited       string
}

// render renders the message as conversations.history returns it.
func (m *message) render(s *Server) map[string]any {
	out := map[string]any{"type": "message", "ts": m.ts, "text": m.text, "user": m.user}
	if m.threadTS != "" {
		out["thread_ts"] = m.threadTS
	}
	if m.botID != "" {
		out["bot_id"] = m.botID
		out["app_id"] = s.appID
		out["bot_profile"] = s.botProfile()
		out["team"] = s.teamID
	}
	if m.blocks != nil {
		out["blocks"] = m.blocks
	}
	if m.edited != "" {
		out["edited"] = map[string]any{"user": m.user, "ts": m.edited}
	}
	return out
}

// subscriber is one Subscribe feed.
type subscriber struct{ ch chan Post }

// publishLocked sends p to every subscriber that has room. s.mu must be held.
func (s *Server) publishLocked(p Post) {
	if s.closed {
		return
	}
	for sub := range s.subs {
		select {
		case sub.ch <- p.clone():
		default:
			s.logf("slackfake: feed full, dropped a post")
		}
	}
}

// Subscribe returns a live feed of what the app shows users: posts, ephemeral messages,
// updates, response_url replies and slash command ack replies. The channel is buffered; when a
// subscriber falls behind, new items are dropped. cancel unsubscribes and closes the channel;
// Close closes it too.
func (s *Server) Subscribe() (feed <-chan Post, cancel func()) {
	sub := &subscriber{ch: make(chan Post, feedBuffer)}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		close(sub.ch)
		return sub.ch, func() {}
	}
	s.subs[sub] = struct{}{}
	return sub.ch, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, ok := s.subs[sub]; ok {
			delete(s.subs, sub)
			close(sub.ch)
		}
	}
}

// Posts returns every chat.postMessage and chat.postEphemeral call, in order.
func (s *Server) Posts() []Post {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Post, len(s.posts))
	for i, p := range s.posts {
		out[i] = p.clone()
	}
	return out
}

// WaitPost returns the first post (see Posts) for which match is true, waiting for one if
// needed. match runs without the Server's lock held.
func (s *Server) WaitPost(ctx context.Context, match func(Post) bool) (Post, error) {
	for {
		s.mu.Lock()
		changed, closed := s.changed, s.closed
		s.mu.Unlock()
		for _, p := range s.Posts() {
			if match(p) {
				return p, nil
			}
		}
		if closed {
			return Post{}, ErrClosed
		}
		if err := waitChange(ctx, changed); err != nil {
			return Post{}, fmt.Errorf("wait for post: %w", err)
		}
	}
}

// Calls returns how many Web API calls a method has received, rejected ones included.
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

// ResponseURLPosts returns every body posted to a response_url, in order.
func (s *Server) ResponseURLPosts() []ResponsePost {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.responsePosts)
}

// Reactions returns every accepted reactions.add call, in order.
func (s *Server) Reactions() []Reaction {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.reactions)
}

// Views returns every accepted views.* call, in order.
func (s *Server) Views() []View {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.views)
}
