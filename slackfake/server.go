// Package slackfake is an in-process stand-in for Slack: the Socket Mode protocol over real
// WebSockets and the Web API methods carebot calls, written from Slack's documentation and
// checked against what slack-go sends and parses.
//
// End-to-end tests run a real slack-go Socket Mode client against a Server on loopback, drive it
// with DM, SlashCommand, Interactive and friends, and observe its acks and posts. The interactive
// sandbox uses the same Server with a live feed (Subscribe). A Server is safe for concurrent use.
package slackfake

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

const (
	appToken          = "xapp-1-fake"
	botToken          = "xoxb-fake"
	verificationToken = "fake-verification-token"

	// maxRetries is how many times Slack re-delivers an unacknowledged event before giving up.
	maxRetries = 3
)

// ErrClosed is returned by the waiting methods once the Server has been closed.
var ErrClosed = errors.New("slackfake: server closed")

// Server is a fake Slack workspace with one installed app. Create it with New and release it
// with Close.
type Server struct {
	teamID, botUserID, botID, appID string
	ackTimeout                      time.Duration
	retryDelays                     [maxRetries]time.Duration
	pingInterval                    time.Duration
	triggerTTL                      time.Duration
	echo                            bool
	mentionMessages                 bool
	logf                            func(string, ...any)

	http      *httptest.Server
	upgrader  websocket.Upgrader
	wg        sync.WaitGroup // socket goroutines and running timer callbacks
	closeOnce sync.Once

	mu             sync.Mutex
	closed         bool
	changed        chan struct{} // closed and replaced whenever something observable changes
	timers         map[*timer]struct{}
	seq            int
	lastTS         int64
	wsTokens       map[string]bool
	sockets        map[*socket]struct{}
	opened         int
	pending        []*delivery
	envelopes      map[string]*envelope
	acks           map[string]Ack
	ackOrder       []Ack
	deliveries     map[string]int
	eventEnvelopes map[string][]string
	lost           []string
	posts          []Post
	postIndex      map[string]int // channel+"/"+ts of a bot post -> index in posts
	history        map[string][]*message
	subs           map[*subscriber]struct{}
	calls          map[string]int
	fails          map[string][]failure
	responseURLs   map[string]*responseURL
	responsePosts  []ResponsePost
	reactions      []Reaction
	views          []View
	viewIDs        map[string]bool
	externalIDs    map[string]string
	usergroups     map[string][]string
	triggers       map[string]*trigger
}

// Option configures a Server.
type Option func(*Server)

// WithTeamID sets the workspace ID (default "T0FAKE").
func WithTeamID(id string) Option { return func(s *Server) { s.teamID = id } }

// WithAckTimeout sets how long an envelope may go unacknowledged before Slack gives up on it
// (default 3s, as in Slack).
func WithAckTimeout(d time.Duration) Option { return func(s *Server) { s.ackTimeout = d } }

// WithRetryDelays sets the delays before the first, second and third re-delivery of an
// unacknowledged event, counted from the missed deadline (default 0, 1m, 5m, roughly Slack's).
// Missing delays repeat the last one given; extra ones are ignored.
func WithRetryDelays(delays ...time.Duration) Option {
	return func(s *Server) {
		for i := range s.retryDelays {
			if len(delays) == 0 {
				return
			}
			s.retryDelays[i] = delays[min(i, len(delays)-1)]
		}
	}
}

// WithPingInterval sets how often each socket is sent a WebSocket PING (default 5s). slack-go
// drops a connection that sees no ping for 30s.
func WithPingInterval(d time.Duration) Option { return func(s *Server) { s.pingInterval = d } }

// WithTriggerTTL sets how long a trigger_id may be used to open a modal (default 3s, as in
// Slack).
func WithTriggerTTL(d time.Duration) Option { return func(s *Server) { s.triggerTTL = d } }

// WithLogf sets where the Server reports what it does (default: nowhere).
func WithLogf(logf func(string, ...any)) Option { return func(s *Server) { s.logf = logf } }

// WithEcho sets whether the bot's own chat.postMessage and chat.update calls come back as
// message events, as real Slack does (default true).
func WithEcho(on bool) Option { return func(s *Server) { s.echo = on } }

// WithMessageChannels makes every Mention also arrive as a plain channel message event with the
// same ts, as it does for an app subscribed to both app_mention and message.channels (default
// false).
func WithMessageChannels(on bool) Option { return func(s *Server) { s.mentionMessages = on } }

// New starts a Server on a loopback port. The Web API lives under /api/, sockets under /ws/ and
// response URLs under /response/.
func New(opts ...Option) *Server {
	s := &Server{
		teamID:       "T0FAKE",
		botUserID:    "U0BOT",
		botID:        "B0BOT",
		appID:        "A0FAKE",
		ackTimeout:   3 * time.Second,
		retryDelays:  [maxRetries]time.Duration{0, time.Minute, 5 * time.Minute},
		pingInterval: 5 * time.Second,
		triggerTTL:   3 * time.Second,
		echo:         true,
		logf:         func(string, ...any) {},

		changed:        make(chan struct{}),
		timers:         make(map[*timer]struct{}),
		wsTokens:       make(map[string]bool),
		sockets:        make(map[*socket]struct{}),
		envelopes:      make(map[string]*envelope),
		acks:           make(map[string]Ack),
		deliveries:     make(map[string]int),
		eventEnvelopes: make(map[string][]string),
		postIndex:      make(map[string]int),
		history:        make(map[string][]*message),
		subs:           make(map[*subscriber]struct{}),
		calls:          make(map[string]int),
		fails:          make(map[string][]failure),
		responseURLs:   make(map[string]*responseURL),
		viewIDs:        make(map[string]bool),
		externalIDs:    make(map[string]string),
		usergroups:     make(map[string][]string),
		triggers:       make(map[string]*trigger),
	}
	for _, opt := range opts {
		opt(s)
	}
	// slack-go sends Origin https://api.slack.com; Slack itself does not care.
	s.upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

	mux := http.NewServeMux()
	mux.HandleFunc("/api/", s.serveAPI)
	mux.HandleFunc("/ws/", s.serveSocket)
	mux.HandleFunc("/response/", s.serveResponseURL)
	s.http = httptest.NewServer(mux)
	return s
}

// Close closes every socket, stops every timer and the HTTP server, and waits for the Server's
// goroutines. Subscriber channels are closed. It is safe to call more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		for t := range s.timers {
			t.t.Stop()
		}
		clear(s.timers)
		socks := slices.Collect(maps.Keys(s.sockets))
		for sub := range s.subs {
			close(sub.ch)
		}
		clear(s.subs)
		s.notifyLocked()
		s.mu.Unlock()

		for _, c := range socks {
			c.close()
		}
		s.http.Close()
		s.wg.Wait()
	})
}

// URL returns the server's base URL, e.g. "http://127.0.0.1:PORT".
func (s *Server) URL() string { return s.http.URL }

// APIURL returns the Web API base URL for slack.OptionAPIURL; it ends in "/".
func (s *Server) APIURL() string { return s.http.URL + "/api/" }

// AppToken returns the app-level token apps.connections.open requires.
func (s *Server) AppToken() string { return appToken }

// BotToken returns the bot token every other Web API method requires.
func (s *Server) BotToken() string { return botToken }

// TeamID returns the workspace ID.
func (s *Server) TeamID() string { return s.teamID }

// BotUserID returns the bot's user ID, as auth.test reports it.
func (s *Server) BotUserID() string { return s.botUserID }

// BotID returns the bot's bot ID, as auth.test reports it and bot messages carry it.
func (s *Server) BotID() string { return s.botID }

// AppID returns the app's ID.
func (s *Server) AppID() string { return s.appID }

// SetUsergroup sets the members usergroups.users.list reports for a user group.
func (s *Server) SetUsergroup(id string, users ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.usergroups[id] = slices.Clone(users)
}

// notifyLocked wakes every waiter. s.mu must be held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// waitChange blocks until changed (s.changed, read by the caller under s.mu) is closed or ctx ends.
func waitChange(ctx context.Context, changed <-chan struct{}) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-changed:
		return nil
	}
}

// timer is a scheduled callback that Close can stop and wait for.
type timer struct{ t *time.Timer }

// afterLocked runs f after d unless the Server closes first. s.mu must be held; f runs without it.
func (s *Server) afterLocked(d time.Duration, f func()) *timer {
	w := &timer{}
	s.timers[w] = struct{}{}
	w.t = time.AfterFunc(d, func() {
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			return
		}
		delete(s.timers, w)
		s.wg.Add(1)
		s.mu.Unlock()
		defer s.wg.Done()
		f()
	})
	return w
}

// stopLocked cancels a timer from afterLocked. s.mu must be held.
func (s *Server) stopLocked(w *timer) {
	if w != nil && w.t.Stop() {
		delete(s.timers, w)
	}
}

// channelType returns the channel_type Slack gives events in a channel with this ID.
func channelType(channel string) string {
	switch {
	case strings.HasPrefix(channel, "D"):
		return "im"
	case strings.HasPrefix(channel, "G"):
		return "group"
	default:
		return "channel"
	}
}

// dmChannel returns the ID of the direct-message channel between the bot and a user.
func dmChannel(user string) string { return "D" + user }

// resolveChannel maps a user ID given as a channel (which chat.postMessage accepts) to the DM.
func resolveChannel(channel string) string {
	if strings.HasPrefix(channel, "U") || strings.HasPrefix(channel, "W") {
		return dmChannel(channel)
	}
	return channel
}

// userName returns the synthetic handle of a user.
func (s *Server) userName(user string) string {
	if user == s.botUserID {
		return "carebot"
	}
	return "user_" + strings.ToLower(user)
}

// channelName returns the synthetic name of a channel, as slash commands report it.
func channelName(channel string) string {
	if strings.HasPrefix(channel, "D") {
		return "directmessage"
	}
	return strings.ToLower(channel)
}

// marshal encodes v, which is always encodable here.
func marshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("slackfake: marshal: " + err.Error())
	}
	return b
}
