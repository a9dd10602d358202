package handlers

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"carebot/bot"
	"carebot/ticket"
)

// A button names its ticket by number and by when the ticket was created
// ("42:1764921000000"), so that if the store ever loses its data and hands
// the number out again, a button under an old post cannot act on the new
// ticket that took its number. Buttons posted before the stamp existed carry
// the number alone and are taken as they are.

// ticketRef is the value of a button about ticket t.
func ticketRef(t *ticket.Ticket) string {
	return strconv.FormatInt(t.Number, 10) + ":" + strconv.FormatInt(t.CreatedAt.UnixMilli(), 10)
}

// parseRef reads a button's value: the ticket number, and its creation stamp
// (0 when the button has none).
func parseRef(v string) (n, created int64, err error) {
	num, stamp, stamped := strings.Cut(v, ":")
	if n, err = strconv.ParseInt(num, 10, 64); err != nil || n <= 0 {
		return 0, 0, fmt.Errorf("button value %q is not a ticket", v)
	}
	if stamped {
		if created, err = strconv.ParseInt(stamp, 10, 64); err != nil {
			return 0, 0, fmt.Errorf("button value %q is not a ticket", v)
		}
	}
	return n, created, nil
}

// pressedTicket reads the ticket a button names. A reply, and no ticket,
// comes back when the value is not a ticket's, the ticket is gone, or the
// number now belongs to another ticket.
func (h *Handlers) pressedTicket(ctx context.Context, value string) (*ticket.Ticket, *bot.Reply, error) {
	n, created, err := parseRef(value)
	if err != nil {
		return nil, &bot.Reply{Text: "That button is not one I know."}, nil
	}
	t, err := h.store.Ticket(ctx, n)
	if ticket.IsNotFound(err) {
		return nil, &bot.Reply{Text: "I can't find that ticket any more."}, nil
	}
	if err != nil {
		return nil, nil, err
	}
	if created != 0 && t.CreatedAt.UnixMilli() != created {
		h.log.WithField("ticket", h.id(n)).Error("a button names an earlier ticket with this number: the store has lost data")
		return nil, &bot.Reply{Text: fmt.Sprintf("That button belongs to an earlier %s that is no longer stored, so I changed nothing. "+
			"Please use `/ticket show` to find the ticket you mean.", h.id(n))}, nil
	}
	return t, nil, nil
}
