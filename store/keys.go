package store

import "strings"

// keys builds every Redis key of one workspace. All of them share the hash tag
// {teamID}, so every multi-key script stays in one Cluster slot.
type keys struct{ prefix string }

func newKeys(teamID string) keys {
	// A hash tag must not contain braces; Slack team IDs never do, but a
	// malformed one must not split a workspace across slots.
	teamID = strings.NewReplacer("{", "", "}", "").Replace(teamID)
	return keys{prefix: "carebot:{" + teamID + "}:"}
}

// dedupe marks an Events API event_id as accepted; it expires.
func (k keys) dedupe(eventID string) string { return k.prefix + "dedupe:" + eventID }

// inbox is the stream of accepted events waiting for a worker.
func (k keys) inbox() string { return k.prefix + "inbox" }

// held is a hash: envelope ID -> "kind\npayload", a command or button press
// being handled; heldDue a sorted set of them by when another replica may
// take one over (ms).
func (k keys) held() string    { return k.prefix + "held" }
func (k keys) heldDue() string { return k.prefix + "held:due" }

// seq is the ticket-number counter.
func (k keys) seq() string { return k.prefix + "seq:ticket" }

// tickets is a hash: ticket number -> ticket JSON.
func (k keys) tickets() string { return k.prefix + "tickets" }

// events is a hash: ticket number -> the audit trail, one JSON event a line.
func (k keys) events() string { return k.prefix + "events" }

// threads is a hash: "channel:thread_ts" -> ticket number.
func (k keys) threads() string { return k.prefix + "threads" }

// created is a sorted set of ticket numbers scored by creation time (ms).
func (k keys) created() string { return k.prefix + "idx:created" }

// requester is a sorted set of one user's ticket numbers by creation time.
func (k keys) requester(user string) string { return k.prefix + "idx:requester:" + user }

// seen marks one Slack message (channel, ts) as handled; it expires.
func (k keys) seen(channel, ts string) string { return k.prefix + "seen:" + channel + ":" + ts }

// claimDue is a sorted set of open tickets, scored by when their next
// escalation page is due (ms).
func (k keys) claimDue() string { return k.prefix + "due:claim" }

// overrides is a sorted set of a team's on-call overrides (JSON), scored by
// when they end (ms).
func (k keys) overrides(team string) string { return k.prefix + "overrides:" + team }

// resolveDue is a sorted set of active tickets, scored by when they pass
// their resolve target (ms).
func (k keys) resolveDue() string { return k.prefix + "due:resolve" }

// openIndex and claimedIndex hold the numbers of the tickets that are open
// (routed, unclaimed) and claimed: the active tickets, few at any time.
func (k keys) openIndex() string    { return k.prefix + "idx:open" }
func (k keys) claimedIndex() string { return k.prefix + "idx:claimed" }

// closed is a sorted set of resolved and cancelled tickets, scored by when
// they closed (ms): summaries read one shift's closures from it, and
// retention the tickets old enough to delete.
func (k keys) closed() string { return k.prefix + "idx:closed" }

// closedBackfilled marks that tickets closed before idx:closed existed have
// been added to it.
func (k keys) closedBackfilled() string { return k.prefix + "migrated:idx-closed" }

// once marks a change caused by one message or button press as applied.
func (k keys) once(id string) string { return k.prefix + "once:" + id }

func threadField(channel, ts string) string { return channel + ":" + ts }

// conversation is the open triage conversation in a requester's thread; it
// expires. It is keyed by thread, not ticket number, so the script that
// creates the ticket can name it before the number exists.
func (k keys) conversation(channel, threadTS string) string {
	return k.prefix + "conv:" + channel + ":" + threadTS
}

// triageDue is a sorted set of tickets in triage, scored by when they must
// leave it (ms).
func (k keys) triageDue() string { return k.prefix + "due:triage" }

// summaryLast holds the latest shift boundary (ms) whose summary was posted.
func (k keys) summaryLast() string { return k.prefix + "summary:last" }

// summaryLease is held by the replica posting the summary of the shift that
// ended at boundary b (ms); summaryDone marks it posted.
func (k keys) summaryLease(b string) string { return k.prefix + "summary:lease:" + b }
func (k keys) summaryDone(b string) string  { return k.prefix + "summary:done:" + b }

// outage is a sorted set of recent reports ("number|unit") matching one
// outage key, such as "category:ehr" or "system:epic", scored by when they
// came (ms); outageMark says a suggestion was made for that key lately.
func (k keys) outage(key string) string     { return k.prefix + "outage:" + key }
func (k keys) outageMark(key string) string { return k.prefix + "outage:suggested:" + key }

// suggestions is a hash: suggestion number -> possible outage JSON;
// suggestionSeq numbers them.
func (k keys) suggestions() string   { return k.prefix + "outage:suggestions" }
func (k keys) suggestionSeq() string { return k.prefix + "seq:suggestion" }

// incidents is a hash: incident number -> incident JSON; incidentSeq
// numbers them; incidentActive names the open incident of an outage key.
func (k keys) incidents() string                { return k.prefix + "incidents" }
func (k keys) incidentSeq() string              { return k.prefix + "seq:incident" }
func (k keys) incidentActive(key string) string { return k.prefix + "incident:active:" + key }
