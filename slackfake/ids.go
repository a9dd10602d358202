package slackfake

import (
	"crypto/rand"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// uuid returns a random version 4 UUID, the shape of Slack's envelope IDs.
func uuid() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// randomHex returns n random bytes in hex, for one-time tokens.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%x", b)
}

// nextLocked returns the next value of the Server's sequence. s.mu must be held.
func (s *Server) nextLocked() int {
	s.seq++
	return s.seq
}

// newEventIDLocked returns a fresh event_id ("Ev…"). s.mu must be held.
func (s *Server) newEventIDLocked() string {
	return fmt.Sprintf("Ev%08X", s.nextLocked())
}

// nextTSLocked returns a message timestamp from the wall clock, strictly greater than every
// earlier one. s.mu must be held.
func (s *Server) nextTSLocked() string {
	us := time.Now().UnixMicro()
	if us <= s.lastTS {
		us = s.lastTS + 1
	}
	s.lastTS = us
	return formatTS(us)
}

// formatTS renders microseconds since the epoch as a Slack ts ("1700000000.000100").
func formatTS(us int64) string {
	return fmt.Sprintf("%d.%06d", us/1e6, us%1e6)
}

// parseTS turns a Slack ts into microseconds since the epoch; ok is false if it is not one.
func parseTS(ts string) (us int64, ok bool) {
	sec, frac, _ := strings.Cut(ts, ".")
	s, err := strconv.ParseInt(sec, 10, 64)
	if err != nil {
		return 0, false
	}
	if len(frac) > 6 {
		frac = frac[:6]
	}
	frac += strings.Repeat("0", 6-len(frac))
	f, err := strconv.ParseInt(frac, 10, 64)
	if err != nil {
		return 0, false
	}
	return s*1e6 + f, true
}
