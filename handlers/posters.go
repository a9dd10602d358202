package handlers

import (
	"context"
	"sync"
	"time"

	"carebot/ticket"
)

// Slack takes about one post a second per channel. A storm of reports for
// one team would hold every worker in that channel's pacing, and every other
// requester's first reply would wait behind it. So a ticket's team post, copy
// and page are made by one poster per team channel, off the workers: a busy
// channel delays only its own posts. A ticket handed to a poster stays on
// the routing deadline set until its team post is recorded, so if this
// replica stops, or the poster's queue is full, the triage sweep routes it.

// posterQueue is how many tickets may wait for one channel's poster.
const posterQueue = 256

// posterIdle is how long a poster with nothing to post waits before it
// stops; the next ticket for its channel starts another.
const posterIdle = 2 * time.Second

// posters are the running posters, by team channel.
type posters struct {
	mu     sync.Mutex
	queues map[string]chan int64
}

// routeSoon hands ticket t to its team channel's poster. A ticket with no
// team, or that the queue cannot take, is left to the triage sweep.
func (h *Handlers) routeSoon(t *ticket.Ticket) {
	team := h.teamOf(t)
	if team == nil || t.TeamTS != "" || t.Incident != 0 {
		return
	}
	h.posters.mu.Lock()
	defer h.posters.mu.Unlock()
	if h.posters.queues == nil {
		h.posters.queues = map[string]chan int64{}
	}
	q, ok := h.posters.queues[team.Channel]
	if !ok {
		q = make(chan int64, posterQueue)
		h.posters.queues[team.Channel] = q
		h.background.Go(func() { h.post(team.Channel, q) })
	}
	select {
	case q <- t.Number:
	default:
		h.log.WithField("ticket", h.id(t.Number)).Warn("team poster busy; the sweep routes the ticket")
	}
}

// post routes the tickets of one team channel, in order, until it has been
// idle for posterIdle.
func (h *Handlers) post(channel string, q chan int64) {
	idle := time.NewTimer(posterIdle)
	defer idle.Stop()
	for {
		select {
		case n := <-q:
			h.routeNumber(n)
			idle.Reset(posterIdle)
		case <-idle.C:
			h.posters.mu.Lock()
			if len(q) > 0 {
				h.posters.mu.Unlock()
				idle.Reset(posterIdle)
				continue
			}
			delete(h.posters.queues, channel)
			h.posters.mu.Unlock()
			return
		}
	}
}

// routeNumber routes ticket n as it is stored now.
func (h *Handlers) routeNumber(n int64) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	log := h.log.WithField("ticket", h.id(n))
	t, _, err := h.store.TicketAndConversation(ctx, n)
	if err != nil {
		log.WithError(err).Warn("ticket not read for routing; the sweep routes it")
		return
	}
	if !h.unrouted(t) {
		return
	}
	if err := h.route(ctx, t); err != nil {
		log.WithError(err).Warn("ticket not routed; the sweep routes it")
	}
}
