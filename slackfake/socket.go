package slackfake

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

const (
	writeWait       = 5 * time.Second
	disconnectGrace = time.Second
	// maxAckSize is the size from which Slack silently drops a Socket Mode response.
	maxAckSize = 20 * 1024
)

// Ack is a frame a client sent back over a socket.
type Ack struct {
	EnvelopeID string
	// Payload is the ack's payload, nil if it had none.
	Payload json.RawMessage
	At      time.Time
	// Known is false when the envelope ID is not one the Server sent.
	Known bool
}

// socket is one Socket Mode WebSocket connection.
type socket struct {
	ws        *websocket.Conn
	id        int
	ready     bool // hello sent; may carry envelopes. Guarded by Server.mu.
	writeMu   sync.Mutex
	done      chan struct{}
	closeOnce sync.Once
}

// write sends one text frame.
func (c *socket) write(frame []byte) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	return c.writeLocked(frame)
}

// writeLocked sends one text frame; c.writeMu must be held.
func (c *socket) writeLocked(frame []byte) error {
	if err := c.ws.SetWriteDeadline(time.Now().Add(writeWait)); err != nil {
		return err
	}
	return c.ws.WriteMessage(websocket.TextMessage, frame)
}

// close drops the connection without a close frame; the read loop then cleans up.
func (c *socket) close() {
	c.closeOnce.Do(func() {
		close(c.done)
		_ = c.ws.Close()
	})
}

// envelope is what the Server remembers about an envelope it sent.
type envelope struct {
	kind     string    // events_api, slash_commands, interactive
	delivery *delivery // events_api only
	channel  string    // slash_commands and interactive: where a reply would show
	user     string
}

// delivery is one Events API event on its way to the app, across its retries.
type delivery struct {
	eventID string
	payload json.RawMessage // the event_callback
	attempt int             // retry_attempt of the next envelope
	done    bool            // acked or lost
	timer   *timer
}

// envelopeFrame is the Socket Mode frame that carries a payload to the app.
type envelopeFrame struct {
	EnvelopeID             string          `json:"envelope_id"`
	Payload                json.RawMessage `json:"payload"`
	Type                   string          `json:"type"`
	AcceptsResponsePayload bool            `json:"accepts_response_payload"`
	RetryAttempt           *int            `json:"retry_attempt,omitempty"`
	RetryReason            *string         `json:"retry_reason,omitempty"`
}

// serveSocket upgrades a one-time URL from apps.connections.open and runs the connection.
func (s *Server) serveSocket(w http.ResponseWriter, r *http.Request) {
	token := strings.TrimPrefix(r.URL.Path, "/ws/")
	s.mu.Lock()
	valid := s.wsTokens[token] && !s.closed
	delete(s.wsTokens, token)
	s.mu.Unlock()
	if !valid {
		s.logf("slackfake: refused socket with unknown or used URL")
		http.Error(w, "unknown or used connection URL", http.StatusUnauthorized)
		return
	}
	ws, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		s.logf("slackfake: upgrade: %v", err)
		return
	}
	ws.SetReadLimit(1 << 20)
	c := &socket{ws: ws, done: make(chan struct{})}

	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		_ = ws.Close()
		return
	}
	s.wg.Add(2) // this read loop and the pinger
	s.opened++
	c.id = s.opened
	s.sockets[c] = struct{}{}
	n := len(s.sockets)
	s.notifyLocked()
	s.mu.Unlock()
	defer s.wg.Done()
	go s.ping(c)

	// Mark the socket ready while holding its write lock, so that envelopes may pick it at once
	// yet cannot overtake hello, and a client that has seen hello can be sent to.
	c.writeMu.Lock()
	s.mu.Lock()
	c.ready = true
	queued := s.pending
	s.pending = nil
	s.notifyLocked()
	s.mu.Unlock()
	hello := map[string]any{
		"type":            "hello",
		"num_connections": n,
		"debug_info":      map[string]any{"host": "fake", "approximate_connection_time": 18060},
		"connection_info": map[string]any{"app_id": s.appID},
	}
	err = c.writeLocked(marshal(hello))
	c.writeMu.Unlock()
	if err != nil {
		s.logf("slackfake: socket %d: hello: %v", c.id, err)
	}
	s.logf("slackfake: socket %d connected (%d open)", c.id, n)
	for _, d := range queued {
		s.deliver(d)
	}

	for {
		typ, data, err := ws.ReadMessage()
		if err != nil {
			break
		}
		if typ == websocket.TextMessage {
			s.receive(c, data)
		}
	}

	s.mu.Lock()
	delete(s.sockets, c)
	s.notifyLocked()
	s.mu.Unlock()
	c.close()
	s.logf("slackfake: socket %d closed", c.id)
}

// ping sends WebSocket PINGs until the socket closes: slack-go reconnects without them.
func (s *Server) ping(c *socket) {
	defer s.wg.Done()
	t := time.NewTicker(s.pingInterval)
	defer t.Stop()
	for {
		select {
		case <-c.done:
			return
		case <-t.C:
			if err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeWait)); err != nil {
				c.close()
				return
			}
		}
	}
}

// receive records a frame from the app: an ack, with or without a payload.
func (s *Server) receive(c *socket, data []byte) {
	if len(data) >= maxAckSize {
		s.logf("slackfake: socket %d: dropped a %d-byte response, as Slack does", c.id, len(data))
		return
	}
	var frame struct {
		EnvelopeID string          `json:"envelope_id"`
		Payload    json.RawMessage `json:"payload"`
	}
	if err := json.Unmarshal(data, &frame); err != nil || frame.EnvelopeID == "" {
		s.logf("slackfake: socket %d: ignored frame without an envelope_id", c.id)
		return
	}
	if string(frame.Payload) == "null" {
		frame.Payload = nil
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	env, known := s.envelopes[frame.EnvelopeID]
	ack := Ack{EnvelopeID: frame.EnvelopeID, Payload: frame.Payload, At: time.Now(), Known: known}
	if _, dup := s.acks[ack.EnvelopeID]; !dup {
		s.acks[ack.EnvelopeID] = ack
	}
	s.ackOrder = append(s.ackOrder, ack)
	s.notifyLocked()
	if !known {
		s.logf("slackfake: socket %d: ack for unknown envelope %s", c.id, ack.EnvelopeID)
		return
	}
	if d := env.delivery; d != nil && !d.done {
		d.done = true
		s.stopLocked(d.timer)
	}
	if env.kind == "slash_commands" && ack.Payload != nil {
		s.publishAckReplyLocked(env, ack.Payload)
	}
}

// publishAckReplyLocked shows a slash command's ack payload on the live feed, as Slack shows it
// to the user. s.mu must be held.
func (s *Server) publishAckReplyLocked(env *envelope, payload json.RawMessage) {
	var msg struct {
		Text         string          `json:"text"`
		Blocks       json.RawMessage `json:"blocks"`
		ResponseType string          `json:"response_type"`
	}
	if json.Unmarshal(payload, &msg) != nil || (msg.Text == "" && msg.Blocks == nil) {
		return
	}
	s.publishLocked(Post{
		Channel:   env.channel,
		User:      env.user,
		Text:      msg.Text,
		Blocks:    msg.Blocks,
		Ephemeral: msg.ResponseType != "in_channel",
		AckReply:  true,
	})
}

// pickLocked returns a random ready socket, or nil. s.mu must be held.
func (s *Server) pickLocked() *socket {
	var ready []*socket
	for c := range s.sockets {
		if c.ready {
			ready = append(ready, c)
		}
	}
	if len(ready) == 0 {
		return nil
	}
	return ready[rand.IntN(len(ready))]
}

// deliver sends the next envelope of an event to a random socket and arms its ack deadline; with
// no socket open it queues the event for the next connection, as a retry.
func (s *Server) deliver(d *delivery) {
	s.mu.Lock()
	if s.closed || d.done {
		s.mu.Unlock()
		return
	}
	c := s.pickLocked()
	if c == nil {
		d.attempt = max(d.attempt, 1)
		s.pending = append(s.pending, d)
		s.mu.Unlock()
		s.logf("slackfake: event %s queued: no socket open", d.eventID)
		return
	}
	id := uuid()
	attempt, reason := d.attempt, ""
	if attempt > 0 {
		reason = "timeout"
	}
	frame := marshal(envelopeFrame{
		EnvelopeID:   id,
		Payload:      d.payload,
		Type:         "events_api",
		RetryAttempt: &attempt,
		RetryReason:  &reason,
	})
	s.envelopes[id] = &envelope{kind: "events_api", delivery: d}
	s.eventEnvelopes[d.eventID] = append(s.eventEnvelopes[d.eventID], id)
	s.deliveries[d.eventID]++
	d.timer = s.afterLocked(s.ackTimeout, func() { s.missedAck(d) })
	s.notifyLocked()
	s.mu.Unlock()

	if err := c.write(frame); err != nil {
		s.logf("slackfake: socket %d: event %s: %v", c.id, d.eventID, err)
		return
	}
	s.logf("slackfake: socket %d: event %s envelope %s attempt %d", c.id, d.eventID, id, attempt)
}

// missedAck schedules the next retry of an event whose envelope went unacknowledged, or records
// it as lost after the last one.
func (s *Server) missedAck(d *delivery) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d.done {
		return
	}
	if d.attempt >= maxRetries {
		d.done = true
		s.lost = append(s.lost, d.eventID)
		s.notifyLocked()
		s.logf("slackfake: event %s lost after %d retries", d.eventID, maxRetries)
		return
	}
	delay := s.retryDelays[d.attempt]
	d.attempt++
	d.timer = s.afterLocked(delay, func() { s.deliver(d) })
}

// sendEnvelope sends a slash_commands or interactive envelope to a random socket. Slack does not
// re-deliver these: an unacknowledged one shows the user an error.
func (s *Server) sendEnvelope(env *envelope, payload []byte) string {
	id := uuid()
	frame := marshal(envelopeFrame{
		EnvelopeID:             id,
		Payload:                payload,
		Type:                   env.kind,
		AcceptsResponsePayload: true,
	})
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return id
	}
	s.envelopes[id] = env
	c := s.pickLocked()
	s.mu.Unlock()
	if c == nil {
		s.logf("slackfake: %s envelope %s dropped: no socket open", env.kind, id)
		return id
	}
	if err := c.write(frame); err != nil {
		s.logf("slackfake: socket %d: %s envelope %s: %v", c.id, env.kind, id, err)
	}
	return id
}

// SendRaw writes a raw text frame to one random socket, for malformed JSON and unknown envelope
// types. It does nothing when no socket is open.
func (s *Server) SendRaw(frame []byte) {
	s.mu.Lock()
	c := s.pickLocked()
	s.mu.Unlock()
	if c == nil {
		s.logf("slackfake: raw frame dropped: no socket open")
		return
	}
	if err := c.write(frame); err != nil {
		s.logf("slackfake: socket %d: raw frame: %v", c.id, err)
	}
}

// Disconnect sends a disconnect message with the given reason ("warning", "refresh_requested",
// "link_disabled") to every socket and closes each one after a short grace period, unless the
// client closes it first. slack-go reconnects.
func (s *Server) Disconnect(reason string) {
	frame := marshal(map[string]any{
		"type":       "disconnect",
		"reason":     reason,
		"debug_info": map[string]any{"host": "fake"},
	})
	s.mu.Lock()
	var socks []*socket
	for c := range s.sockets {
		socks = append(socks, c)
		s.afterLocked(disconnectGrace, c.close)
	}
	s.mu.Unlock()
	for _, c := range socks {
		if err := c.write(frame); err != nil {
			s.logf("slackfake: socket %d: disconnect: %v", c.id, err)
		}
	}
}

// DropConnections closes every socket without a word, like a network failure.
func (s *Server) DropConnections() {
	s.mu.Lock()
	var socks []*socket
	for c := range s.sockets {
		socks = append(socks, c)
	}
	s.mu.Unlock()
	for _, c := range socks {
		c.close()
	}
}

// Connections returns how many sockets are open now.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sockets)
}

// Opened returns how many sockets have ever been opened.
func (s *Server) Opened() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opened
}

// WaitConnections waits until exactly n sockets are open and ready for envelopes.
func (s *Server) WaitConnections(ctx context.Context, n int) error {
	for {
		s.mu.Lock()
		ready := 0
		for c := range s.sockets {
			if c.ready {
				ready++
			}
		}
		changed, closed := s.changed, s.closed
		s.mu.Unlock()
		if ready == n {
			return nil
		}
		if closed {
			return ErrClosed
		}
		if err := waitChange(ctx, changed); err != nil {
			return fmt.Errorf("wait for %d connections (have %d): %w", n, ready, err)
		}
	}
}

// WaitAck waits for the ack of an envelope; an ack that already arrived returns at once.
func (s *Server) WaitAck(ctx context.Context, envelopeID string) (Ack, error) {
	for {
		s.mu.Lock()
		ack, ok := s.acks[envelopeID]
		changed, closed := s.changed, s.closed
		s.mu.Unlock()
		if ok {
			return ack, nil
		}
		if closed {
			return Ack{}, ErrClosed
		}
		if err := waitChange(ctx, changed); err != nil {
			return Ack{}, fmt.Errorf("wait for ack of %s: %w", envelopeID, err)
		}
	}
}

// EnvelopeIDs returns the IDs of the envelopes that have carried an event, in order.
func (s *Server) EnvelopeIDs(eventID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.eventEnvelopes[eventID]...)
}

// WaitEventAck waits until any envelope carrying an event has been acknowledged and returns
// that ack.
func (s *Server) WaitEventAck(ctx context.Context, eventID string) (Ack, error) {
	for {
		s.mu.Lock()
		for _, id := range s.eventEnvelopes[eventID] {
			if ack, ok := s.acks[id]; ok {
				s.mu.Unlock()
				return ack, nil
			}
		}
		changed, closed := s.changed, s.closed
		s.mu.Unlock()
		if closed {
			return Ack{}, ErrClosed
		}
		if err := waitChange(ctx, changed); err != nil {
			return Ack{}, fmt.Errorf("wait for ack of event %s: %w", eventID, err)
		}
	}
}

// Acked reports whether an envelope has been acknowledged.
func (s *Server) Acked(envelopeID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.acks[envelopeID]
	return ok
}

// Acks returns every frame received from the app, in order, including repeats and frames for
// unknown envelopes.
func (s *Server) Acks() []Ack {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Ack(nil), s.ackOrder...)
}

// Deliveries returns how many envelopes have carried an event: the first plus every retry.
func (s *Server) Deliveries(eventID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.deliveries[eventID]
}

// Lost returns the IDs of events dropped after their last retry went unacknowledged.
func (s *Server) Lost() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.lost...)
}
