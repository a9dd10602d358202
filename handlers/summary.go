package handlers

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/slack-go/slack"

	"carebot/bot"
	"carebot/shift"
	"carebot/store"
	"carebot/summary"
	"carebot/ticket"
)

// Shift summaries: at every shift boundary one replica posts the summary of
// the shift that ended to the summary channel. Boundaries are taken in
// order; one missed while no replica ran is posted when one starts, marked
// late, up to summaryCatchUp back.
const (
	// summaryCatchUp is how far back missed summaries are still posted.
	summaryCatchUp = 7 * 24 * time.Hour
	// summaryLate is how long after its boundary a summary counts as late:
	// longer than any replica running its jobs would take.
	summaryLate = 5 * time.Minute
	// summaryLease is how long a replica has to post a summary before
	// another may; summaryKeep how long a posted one is remembered.
	summaryLease = 2 * time.Minute
	summaryKeep  = summaryCatchUp + 24*time.Hour
)

// shifts is the configured shift schedule.
func (h *Handlers) shifts() shift.Schedule { return shift.New(h.cfg.Shifts, h.cfg.Location) }

// StartShiftSummaries records, on a workspace's first start, the last
// boundary as summarised: there is nothing before it to catch up on. A
// replica calls it as it starts, so a boundary moments later is not mistaken
// for that first one.
func (h *Handlers) StartShiftSummaries(ctx context.Context) error {
	_, err := h.store.LastSummary(ctx, h.shifts().Last(h.clock.Now()).At)
	return err
}

// PostShiftSummaries posts, oldest first, the summary of every shift that
// ended since the last one posted. Every replica runs it; each boundary's
// summary is taken by one, and a boundary another replica is still posting
// stops the run, so summaries keep their order.
func (h *Handlers) PostShiftSummaries(ctx context.Context) error {
	now := h.clock.Now()
	sched := h.shifts()
	last, err := h.store.LastSummary(ctx, sched.Last(now).At)
	if err != nil {
		return err
	}
	from := last
	if oldest := now.Add(-summaryCatchUp); from.Before(oldest) {
		from = oldest
	}
	for _, b := range sched.Between(from, now) {
		state, err := h.store.TakeSummary(ctx, b.At, h.replica, summaryLease)
		if err != nil {
			return err
		}
		switch state {
		case store.SummaryDone:
			continue
		case store.SummaryBusy:
			return nil
		}
		late := now.Sub(b.At) > summaryLate
		if err := h.PostSummary(ctx, sched.Ended(b), late); err != nil {
			if rerr := h.store.ReleaseSummary(ctx, b.At, h.replica); rerr != nil {
				h.log.WithError(rerr).Warn("shift summary lease not released")
			}
			return err
		}
		// Posted: record it even if the job's time is up, or another
		// replica would post it again when the lease runs out.
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		err = h.store.FinishSummary(fctx, b.At, summaryKeep)
		cancel()
		if err != nil {
			return err
		}
		h.log.WithFields(logrus.Fields{"boundary": b.At.UTC().Format(time.RFC3339), "shift": b.Shift, "late": late}).Info("shift summary posted")
	}
	return nil
}

// PostSummary posts the summary of period p to the summary channel.
func (h *Handlers) PostSummary(ctx context.Context, p shift.Period, late bool) error {
	r, err := h.Summary(ctx, p, late, false)
	if err != nil {
		return err
	}
	return h.PostReport(ctx, r)
}

// PostReport posts summary r to the summary channel.
func (h *Handlers) PostReport(ctx context.Context, r summary.Report) error {
	_, err := h.slack.PostMessage(ctx, h.cfg.Channels.Summary, slack.MsgOptionText(r.Text(), false), slack.MsgOptionBlocks(summaryBlocks(r)...))
	if err != nil {
		return fmt.Errorf("post summary of %s: %w", r.Period.Name, err)
	}
	return nil
}

// Summary computes the summary of period p; partial marks a period still
// in progress, summarised up to its End.
func (h *Handlers) Summary(ctx context.Context, p shift.Period, late, partial bool) (summary.Report, error) {
	ts, err := h.store.TicketsFor(ctx, p.Start, p.End)
	if err != nil {
		return summary.Report{}, err
	}
	in := summary.Input{
		Period:  summary.Period{Name: p.Name, Start: p.Start, End: p.End},
		Tickets: ts, SLA: map[ticket.Priority]summary.SLA{},
		Prefix: h.cfg.TicketPrefix, Location: h.cfg.Location, Late: late, Partial: partial,
	}
	for _, pr := range []ticket.Priority{ticket.P1, ticket.P2, ticket.P3, ticket.P4} {
		if s, ok := h.cfg.SLA[pr.String()]; ok {
			in.SLA[pr] = summary.SLA{Claim: s.Claim, Resolve: s.Resolve}
		}
	}
	// Who takes over: on call at the start of the next shift, or for a
	// summary so far, at the end of this one.
	next := p.End
	if partial {
		next = h.shifts().Next(p.End).At
	}
	for i := range h.cfg.Teams {
		team := &h.cfg.Teams[i]
		in.NextOnCall = append(in.NextOnCall, summary.OnCall{Team: team.Name, User: h.schedule(ctx, team).At(next).User})
	}
	return summary.Build(in), nil
}

// summaryBlocks lays a report out as Block Kit: a header, then one section
// per part of the report.
func summaryBlocks(r summary.Report) []slack.Block {
	secs := r.Sections()
	blocks := make([]slack.Block, 0, 2*len(secs))
	for i, s := range secs {
		if i == 0 {
			blocks = append(blocks, slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, clip(s.Title, 150), false, false)))
		} else {
			blocks = append(blocks, slack.NewDividerBlock())
		}
		body := s.Body
		if i > 0 && s.Title != "" {
			body = "*" + s.Title + "*\n" + body
		}
		blocks = append(blocks, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, body, false, false), nil, nil))
	}
	return blocks
}

// summaryCommand is `/ticket summary [shift|today|yesterday]`: the summary
// so far, privately, for IT staff.
func (h *Handlers) summaryCommand(ctx context.Context, cmd slack.SlashCommand, args []string) (*bot.Reply, error) {
	if !h.isSpecialist(cmd.UserID) {
		return &bot.Reply{Text: "Shift summaries are for IT staff. `/ticket list` shows your own tickets."}, nil
	}
	which := "shift"
	if len(args) > 0 {
		which = strings.ToLower(args[0])
	}
	if len(args) > 1 || (which != "shift" && which != "today" && which != "yesterday") {
		return &bot.Reply{Text: "Usage: `/ticket summary [shift|today|yesterday]`: the current shift so far (the default), today so far, or yesterday."}, nil
	}
	now := h.clock.Now()
	sched := h.shifts()
	var p shift.Period
	partial := true
	switch which {
	case "shift":
		p = sched.Current(now)
	case "today":
		p = sched.Day(now)
		p.Name = "Today"
	case "yesterday":
		p = sched.Day(sched.Day(now).Start.Add(-time.Minute))
		p.Name, partial = "Yesterday", false
	}
	if partial {
		p.End = now
	}
	r, err := h.Summary(ctx, p, false, partial)
	if err != nil {
		return nil, err
	}
	return &bot.Reply{Text: r.Text(), Blocks: summaryBlocks(r)}, nil
}

// newReplicaID names this replica when it holds a job's lease.
func newReplicaID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// retireBatch is how many tickets one retention script deletes, so no one
// call holds Redis for long.
const retireBatch = 500

// RetireTickets deletes the tickets closed longer ago than the configured
// retention, with their trails and index entries. Every replica may run it:
// the store checks each ticket again as it deletes it.
func (h *Handlers) RetireTickets(ctx context.Context) error {
	if h.cfg.Retention <= 0 {
		return nil
	}
	cutoff := h.clock.Now().Add(-h.cfg.Retention)
	total := 0
	for {
		n, err := h.store.DeleteClosedBefore(ctx, cutoff, retireBatch)
		total += n
		if err != nil || n < retireBatch {
			if total > 0 {
				h.log.WithField("tickets", total).Info("closed tickets past retention deleted")
			}
			return err
		}
	}
}
