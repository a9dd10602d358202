package store

// Every multi-key change is one of these scripts, so it is atomic and one
// round trip. go-redis may send a script again when its reply was lost, so
// each is safe to run twice.

// acceptScript records an Events API delivery once.
// KEYS: dedupe, inbox. ARGV: ttl seconds, event_id, payload.
// Returns 1 when the event is new (queued), 0 for a duplicate.
const acceptScript = `
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  redis.call('XADD', KEYS[2], '*', 'id', ARGV[2], 'p', ARGV[3])
  return 1
end
return 0
`

// doneScript acknowledges and deletes a handled inbox entry, so the stream
// holds only work still to do.
// KEYS: inbox. ARGV: group, entry ID.
const doneScript = `
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
return redis.call('XDEL', KEYS[1], ARGV[2])
`

// createScript creates a ticket and its first event, unless the thread
// already has one (a retried or doubled delivery), in which case it returns
// that ticket.
// KEYS: seq, tickets, events, threads, created, requester index.
// ARGV: thread field, ticket JSON (number 0), first event JSON line, created ms.
// Returns {1, ticket JSON} when created, {0, ticket JSON} when it existed.
const createScript = `
local existing = redis.call('HGET', KEYS[4], ARGV[1])
if existing then
  return {0, redis.call('HGET', KEYS[2], existing)}
end
local n = redis.call('INCR', KEYS[1])
local t = cjson.decode(ARGV[2])
t['number'] = n
local js = cjson.encode(t)
redis.call('HSET', KEYS[2], n, js)
redis.call('HSET', KEYS[3], n, ARGV[3])
redis.call('HSET', KEYS[4], ARGV[1], n)
redis.call('ZADD', KEYS[5], ARGV[4], n)
redis.call('ZADD', KEYS[6], ARGV[4], n)
return {1, js}
`

// followUpScript adds a requester's message in a ticket's thread to its
// audit trail, once per message.
// KEYS: threads, tickets, events, seen. ARGV: thread field, user, event JSON
// line, seen TTL seconds, updated_at.
// Returns {status, ticket JSON}: status 1 added, 0 already added, -1 no ticket
// has this thread, -2 the author is not the requester.
const followUpScript = `
local n = redis.call('HGET', KEYS[1], ARGV[1])
if not n then return {-1, ''} end
local js = redis.call('HGET', KEYS[2], n)
if not js then return {-1, ''} end
local t = cjson.decode(js)
if t['requester'] ~= ARGV[2] then return {-2, js} end
if not redis.call('SET', KEYS[4], '1', 'NX', 'EX', ARGV[4]) then return {0, js} end
redis.call('HSET', KEYS[3], n, (redis.call('HGET', KEYS[3], n) or '') .. ARGV[3])
t['updated_at'] = ARGV[5]
js = cjson.encode(t)
redis.call('HSET', KEYS[2], n, js)
return {1, js}
`

// setReplyScript records the ts of the bot's first reply to a ticket.
// KEYS: tickets. ARGV: number, reply ts.
const setReplyScript = `
local js = redis.call('HGET', KEYS[1], ARGV[1])
if not js then return 0 end
local t = cjson.decode(js)
t['reply_ts'] = ARGV[2]
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(t))
return 1
`

// leaveScript removes a consumer from the inbox group if it has nothing
// pending; a consumer with pending entries stays, so they can be taken over.
// KEYS: inbox. ARGV: group, consumer.
// Returns 1 when removed.
const leaveScript = `
local pending = redis.call('XPENDING', KEYS[1], ARGV[1], '-', '+', 1, ARGV[2])
if #pending > 0 then return 0 end
redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2])
return 1
`
