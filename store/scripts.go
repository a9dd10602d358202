package store

// Every multi-key change is one of these scripts, so it is atomic and one
// round trip. go-redis may send a script again when its reply was lost, so
// each is safe to run twice.

// acceptScript records an Events API delivery once. The event is queued
// before its dedupe key is set, so an error in between leaves the event
// unmarked and Slack's retry stores it. A missing inbox (a Redis that lost
// its data, a failover to a replica without it) is recreated with its
// consumer group, so an accepted event always has a reader.
// KEYS: dedupe, inbox. ARGV: ttl seconds, event_id, payload, group.
// Returns 1 when the event is new (queued), 0 for a duplicate.
const acceptScript = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
if redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('XGROUP', 'CREATE', KEYS[2], ARGV[4], '0', 'MKSTREAM')
end
redis.call('XADD', KEYS[2], '*', 'id', ARGV[2], 'p', ARGV[3])
redis.call('SET', KEYS[1], '1', 'EX', ARGV[1])
return 1
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
// With a conversation, it is stored too and the ticket is put on the triage
// deadline set. The creating message is marked seen; when the thread already
// has a ticket and this is another message (a reply handled before its
// parent, on another replica), its words are kept as a follow-up event
// rather than lost.
// KEYS: seq, tickets, events, threads, created, requester index, triage due,
// conversation, seen (the creating message), open index, claimed index,
// closed index.
// ARGV: thread field, ticket JSON (number 0), first event JSON line,
// created ms, conversation JSON or empty, deadline ms or empty, conversation
// TTL seconds, follow-up event JSON line, seen TTL seconds, the highest
// ticket number the caller has seen.
// Returns {1, ticket JSON, behind} when created (behind is 1 when the
// counter was behind and was moved on), {0, ticket JSON} when it existed.
const createScript = indexLua + `
local existing = redis.call('HGET', KEYS[4], ARGV[1])
if existing then
  if redis.call('SET', KEYS[9], '1', 'NX', 'EX', ARGV[9]) then
    redis.call('HSET', KEYS[3], existing, (redis.call('HGET', KEYS[3], existing) or '') .. ARGV[8])
  end
  return {0, redis.call('HGET', KEYS[2], existing)}
end
redis.call('SET', KEYS[9], '1', 'EX', ARGV[9])
local n = redis.call('INCR', KEYS[1])
local floor = tonumber(ARGV[10])
local behind = 0
if n <= floor or redis.call('HEXISTS', KEYS[2], n) == 1 then
  -- The counter is behind what exists or what a replica has seen: the
  -- store lost data. Never hand a number out twice.
  behind = 1
  if n <= floor then n = floor + 1 end
  while redis.call('HEXISTS', KEYS[2], n) == 1 do n = n + 1 end
  redis.call('SET', KEYS[1], n)
end
local t = cjson.decode(ARGV[2])
t['number'] = n
local js = cjson.encode(t)
redis.call('HSET', KEYS[2], n, js)
index(KEYS[10], KEYS[11], KEYS[12], n, t, ARGV[4])
redis.call('HSET', KEYS[3], n, ARGV[3])
redis.call('HSET', KEYS[4], ARGV[1], n)
redis.call('ZADD', KEYS[5], ARGV[4], n)
redis.call('ZADD', KEYS[6], ARGV[4], n)
if ARGV[5] ~= '' then
  local c = cjson.decode(ARGV[5])
  c['ticket'] = n
  redis.call('SET', KEYS[8], cjson.encode(c), 'EX', ARGV[7])
end
if ARGV[6] ~= '' then
  redis.call('ZADD', KEYS[7], ARGV[6], n)
end
return {1, js, behind}
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
t['rev'] = (t['rev'] or 0) + 1
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
t['rev'] = (t['rev'] or 0) + 1
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

// updateScript applies one change to a ticket if it is still at the revision
// the caller read (check-and-set), with its event, its conversation and its
// triage deadline, and marks the message or button press that caused it as
// handled. Run twice (a lost reply resent), the second run finds the
// revision moved and returns the ticket as written, which the caller
// recognises as its own.
// KEYS: tickets, events, conversation, triage due, once, claim due, open
// index, claimed index, closed index.
// ARGV: number, expected rev, ticket JSON, event line or empty, conversation
// JSON or empty (delete), conversation TTL seconds, deadline ms or empty (remove),
// once TTL seconds or empty (no once key), next escalation page ms or empty
// (remove), close time ms (used when the change closes the ticket).
// Returns {1, ticket JSON} applied, {0, ticket JSON} changed meanwhile,
// {-1, empty} no such ticket, {2, ticket JSON} the once key was already taken.
const updateScript = indexLua + `
local js = redis.call('HGET', KEYS[1], ARGV[1])
if not js then return {-1, ''} end
local t = cjson.decode(js)
if (t['rev'] or 0) ~= tonumber(ARGV[2]) then return {0, js} end
if ARGV[8] ~= '' and not redis.call('SET', KEYS[5], '1', 'NX', 'EX', ARGV[8]) then return {2, js} end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
index(KEYS[7], KEYS[8], KEYS[9], ARGV[1], cjson.decode(ARGV[3]), ARGV[10])
if ARGV[4] ~= '' then
  redis.call('HSET', KEYS[2], ARGV[1], (redis.call('HGET', KEYS[2], ARGV[1]) or '') .. ARGV[4])
end
if ARGV[5] == '' then
  redis.call('DEL', KEYS[3])
else
  redis.call('SET', KEYS[3], ARGV[5], 'EX', ARGV[6])
end
if ARGV[7] == '' then
  redis.call('ZREM', KEYS[4], ARGV[1])
else
  redis.call('ZADD', KEYS[4], ARGV[7], ARGV[1])
end
if ARGV[9] == '' then
  redis.call('ZREM', KEYS[6], ARGV[1])
else
  redis.call('ZADD', KEYS[6], ARGV[9], ARGV[1])
end
return {1, ARGV[3]}
`

// dueScript hands out tickets whose triage deadline has passed. Each is
// leased rather than removed: its deadline moves lease ms ahead, so if the
// replica that took it dies, it falls due again for another.
// KEYS: triage due. ARGV: now ms, lease ms, limit.
const dueScript = `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, n in ipairs(due) do
  redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[2]), n)
end
return due
`

// claimScript makes user the owner of an open ticket: one check-and-set, so
// of two specialists pressing Claim at once, one wins and the other learns
// who did.
// A claimed ticket escalates no more.
// KEYS: tickets, events, claim due, open index, claimed index, closed index.
// ARGV: number, user, claimed_at (RFC 3339), event JSON line, claimed_at ms,
// call ID (the same when go-redis resends the script).
// Returns {1, ticket JSON} claimed, {2, ticket JSON} claimed by user already
// (a second press, or a resent script), {0, ticket JSON} claimed by someone
// else, {-2, ticket JSON} not open, {-1, empty} no such ticket.
const claimScript = indexLua + `
local js = redis.call('HGET', KEYS[1], ARGV[1])
if not js then return {-1, ''} end
local t = cjson.decode(js)
if t['status'] == 'claimed' then
  -- The same call resent (its reply was lost): the claim it made.
  if t['owner'] == ARGV[2] and t['call'] == ARGV[6] then return {1, js} end
  if t['owner'] == ARGV[2] then return {2, js} end
  return {0, js}
end
if t['status'] ~= 'open' then return {-2, js} end
t['status'] = 'claimed'
t['call'] = ARGV[6]
t['owner'] = ARGV[2]
t['claimed_at'] = ARGV[3]
t['updated_at'] = ARGV[3]
t['rev'] = (t['rev'] or 0) + 1
js = cjson.encode(t)
redis.call('HSET', KEYS[1], ARGV[1], js)
redis.call('HSET', KEYS[2], ARGV[1], (redis.call('HGET', KEYS[2], ARGV[1]) or '') .. ARGV[4])
redis.call('ZREM', KEYS[3], ARGV[1])
index(KEYS[4], KEYS[5], KEYS[6], ARGV[1], t, ARGV[5])
return {1, js}
`

// resolveScript resolves an open or claimed ticket and ends its escalation.
// KEYS: tickets, events, claim due, open index, claimed index, resolve due,
// closed index. ARGV: number, user, resolved_at (RFC 3339), event JSON line,
// resolved_at ms, call ID.
// Returns {1, ticket JSON} resolved (also when this very call is resent
// after its reply was lost: the same call ID), {2, ticket JSON} already
// resolved by another call, {-2, ticket JSON} not open or
// claimed, {-1, empty} no such ticket.
const resolveScript = indexLua + `
local js = redis.call('HGET', KEYS[1], ARGV[1])
if not js then return {-1, ''} end
local t = cjson.decode(js)
if t['status'] == 'resolved' then
  -- The same call resent (its reply was lost): the resolve it made.
  if t['resolved_by'] == ARGV[2] and t['call'] == ARGV[6] then return {1, js} end
  return {2, js}
end
if t['status'] ~= 'open' and t['status'] ~= 'claimed' then return {-2, js} end
t['status'] = 'resolved'
t['call'] = ARGV[6]
t['resolved_by'] = ARGV[2]
t['resolved_at'] = ARGV[3]
t['updated_at'] = ARGV[3]
t['rev'] = (t['rev'] or 0) + 1
js = cjson.encode(t)
redis.call('HSET', KEYS[1], ARGV[1], js)
redis.call('HSET', KEYS[2], ARGV[1], (redis.call('HGET', KEYS[2], ARGV[1]) or '') .. ARGV[4])
redis.call('ZREM', KEYS[3], ARGV[1])
index(KEYS[4], KEYS[5], KEYS[7], ARGV[1], t, ARGV[5])
redis.call('ZREM', KEYS[6], ARGV[1])
return {1, js}
`

// retireScript deletes tickets that closed before a cutoff, with their
// trails and index entries. A ticket no longer closed (reopened) is only
// taken off the closed index. The requester index key is built here from its
// prefix: it shares the workspace's hash tag, so it is in the same slot.
// KEYS: closed index, tickets, events, threads, created, claim due, resolve
// due, triage due, open index, claimed index.
// ARGV: cutoff ms, limit, requester index prefix.
// Returns the number of tickets deleted.
const retireScript = `
local ns = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local deleted = 0
for _, n in ipairs(ns) do
  redis.call('ZREM', KEYS[1], n)
  local js = redis.call('HGET', KEYS[2], n)
  if js then
    local t = cjson.decode(js)
    if t['status'] == 'resolved' or t['status'] == 'cancelled' then
      redis.call('HDEL', KEYS[2], n)
      redis.call('HDEL', KEYS[3], n)
      local field = t['channel'] .. ':' .. t['thread_ts']
      if redis.call('HGET', KEYS[4], field) == n then redis.call('HDEL', KEYS[4], field) end
      for i = 5, 10 do redis.call('ZREM', KEYS[i], n) end
      redis.call('ZREM', ARGV[3] .. t['requester'], n)
      deleted = deleted + 1
    end
  end
end
return deleted
`

// takeSummaryScript gives one replica the summary of one shift boundary.
// KEYS: done marker, lease. ARGV: holder, lease ms.
// Returns 0 taken (or already held by this holder), 1 held by another, 2 posted.
const takeSummaryScript = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 2 end
local holder = redis.call('GET', KEYS[2])
if holder and holder ~= ARGV[1] then return 1 end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
return 0
`

// finishSummaryScript marks a boundary's summary posted and moves the
// last-posted boundary forward (never back).
// KEYS: done marker, lease, last. ARGV: boundary ms, keep seconds.
const finishSummaryScript = `
redis.call('SET', KEYS[1], '1', 'EX', ARGV[2])
redis.call('DEL', KEYS[2])
local last = tonumber(redis.call('GET', KEYS[3]) or '0')
if tonumber(ARGV[1]) > last then redis.call('SET', KEYS[3], ARGV[1]) end
return 1
`

// releaseSummaryScript drops a summary lease if this holder has it.
// KEYS: lease. ARGV: holder.
const releaseSummaryScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`

// observeScript records one new report for outage grouping. If a declared
// incident is open for one of its outage keys, the ticket is linked to it at
// once (and taken off the escalation and resolve-target sets). Otherwise the
// report joins each key's window, and the first key to reach the threshold,
// from two or more units, with no suggestion made in the window, becomes a
// suggestion. A key's mark holds "ms:number:suggestion" of its last
// suggestion: the time is compared with the caller's clock (the expiry only
// clears it away), and the number lets a resent call return the suggestion
// it made.
// KEYS: tickets, incidents, suggestions, suggestion seq, claim due, resolve
// due, then per outage key: reports, mark, active incident.
// ARGV: number, unit, now ms, window ms, threshold, then per outage key:
// key, label.
// Returns {1, incident JSON} linked, {2, suggestion JSON} suggested, {0, empty}.
const observeScript = `
local n, unit, now, window, threshold = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local nk = (#KEYS - 6) / 3
for i = 0, nk - 1 do
  local inc = redis.call('GET', KEYS[9 + 3 * i])
  local ijs = inc and redis.call('HGET', KEYS[2], inc)
  if ijs then
    local I = cjson.decode(ijs)
    local js = redis.call('HGET', KEYS[1], n)
    if I['status'] == 'open' and js then
      local t = cjson.decode(js)
      if not t['incident'] then
        t['incident'] = tonumber(inc)
        t['rev'] = (t['rev'] or 0) + 1
        redis.call('HSET', KEYS[1], n, cjson.encode(t))
        I['tickets'] = (I['tickets'] == '' and '' or I['tickets'] .. ',') .. n
        ijs = cjson.encode(I)
        redis.call('HSET', KEYS[2], inc, ijs)
        redis.call('ZREM', KEYS[5], n)
        redis.call('ZREM', KEYS[6], n)
      end
      return {1, ijs}
    end
  end
end
for i = 0, nk - 1 do
  local z, mark = KEYS[7 + 3 * i], KEYS[8 + 3 * i]
  local since, by, sid = string.match(redis.call('GET', mark) or '', '^(%d+):(%d+):(%d+)$')
  if by == n then return {2, redis.call('HGET', KEYS[3], sid)} end
  redis.call('ZADD', z, now, n .. '|' .. unit)
  redis.call('ZREMRANGEBYSCORE', z, '-inf', '(' .. (now - window))
  redis.call('PEXPIRE', z, window)
  -- In a report storm the window holds thousands: read it only when a
  -- suggestion is possible, and then only until a second unit shows (among
  -- the newest 1,000, so one unit's storm costs a bounded read).
  local count, several = redis.call('ZCARD', z), false
  if count >= threshold and not (since and now - tonumber(since) < window) then
    local seen, from = nil, 0
    while not several and from < math.min(count, 1000) do
      for _, m in ipairs(redis.call('ZREVRANGE', z, from, from + 99)) do
        local u = string.match(m, '^%d+|(.*)$')
        if u ~= '' then
          if seen and u ~= seen then several = true; break end
          seen = u
        end
      end
      from = from + 100
    end
  end
  if several then
    local rs = redis.call('ZRANGE', z, 0, -1, 'WITHSCORES')
    local units, nunits, tickets, first = {}, 0, {}, tonumber(rs[2])
    for j = 1, #rs, 2 do
      local num, u = string.match(rs[j], '^(%d+)|(.*)$')
      table.insert(tickets, num)
      if u ~= '' and not units[u] then units[u] = true; nunits = nunits + 1 end
    end
    local id = redis.call('INCR', KEYS[4])
    -- One outage, one suggestion: every key of this report is marked.
    for k = 0, nk - 1 do redis.call('SET', KEYS[8 + 3 * k], now .. ':' .. n .. ':' .. id, 'PX', window) end
    local S = {id = id, key = ARGV[6 + 2 * i], label = ARGV[7 + 2 * i], tickets = table.concat(tickets, ','),
      units = nunits, first_ms = first, last_ms = now}
    local sjs = cjson.encode(S)
    redis.call('HSET', KEYS[3], id, sjs)
    return {2, sjs}
  end
end
return {0, ''}
`

// openIncidentScript returns the first open incident among the outage
// keys' active incidents, or empty.
// KEYS: incidents, then the keys' active incidents.
const openIncidentScript = `
for i = 2, #KEYS do
  local inc = redis.call('GET', KEYS[i])
  local ijs = inc and redis.call('HGET', KEYS[1], inc)
  if ijs and cjson.decode(ijs)['status'] == 'open' then return ijs end
end
return ''
`

// declareScript declares a suggested outage an incident: it numbers it,
// links the suggestion's tickets and every report since in the key's window
// (taking them off the escalation and resolve-target sets), and makes it the
// open incident of its outage key, so new matching reports are linked at
// once. If the key already has an open incident (an earlier suggestion of
// the same outage was declared), the tickets join that one instead. A
// resent call (the same call ID) returns what the first did.
// KEYS: suggestions, incidents, incident seq, tickets, claim due, resolve
// due, active incident, the key's reports.
// ARGV: suggestion number, user, now (RFC 3339), call ID.
// Returns {1, incident JSON, linked} declared, {3, incident JSON, linked}
// joined the open incident, {2, incident JSON, empty} declared before,
// {-2, suggestion JSON, empty} marked not related, {-1, empty, empty} no such
// suggestion; linked lists the tickets linked now ("4,5,9").
const declareScript = `
local sjs = redis.call('HGET', KEYS[1], ARGV[1])
if not sjs then return {-1, '', ''} end
local S = cjson.decode(sjs)
if S['incident'] then
  local ijs = redis.call('HGET', KEYS[2], S['incident'])
  if S['call'] == ARGV[4] then
    return {S['joined'] and 3 or 1, ijs, S['linked'] or ''}
  end
  return {2, ijs, ''}
end
if S['dismissed_by'] then return {-2, sjs, ''} end
local I, inc, code
local active = redis.call('GET', KEYS[7])
local ajs = active and redis.call('HGET', KEYS[2], active)
if ajs and cjson.decode(ajs)['status'] == 'open' then
  I, inc, code = cjson.decode(ajs), tonumber(active), 3
else
  inc, code = redis.call('INCR', KEYS[3]), 1
  I = {number = inc, status = 'open', key = S['key'], label = S['label'], tickets = '',
    declared_by = ARGV[2], declared_at = ARGV[3], suggestion = S['id']}
end
local candidates = S['tickets']
for _, m in ipairs(redis.call('ZRANGE', KEYS[8], 0, -1)) do
  candidates = candidates .. ',' .. string.match(m, '^(%d+)')
end
local linked = {}
for n in string.gmatch(candidates, '%d+') do
  local js = redis.call('HGET', KEYS[4], n)
  if js then
    local t = cjson.decode(js)
    if t['status'] ~= 'resolved' and t['status'] ~= 'cancelled' and not t['incident'] then
      t['incident'] = inc
      t['rev'] = (t['rev'] or 0) + 1
      redis.call('HSET', KEYS[4], n, cjson.encode(t))
      redis.call('ZREM', KEYS[5], n)
      redis.call('ZREM', KEYS[6], n)
      table.insert(linked, n)
    end
  end
end
if #linked > 0 then
  I['tickets'] = (I['tickets'] == '' and '' or I['tickets'] .. ',') .. table.concat(linked, ',')
end
local ijs = cjson.encode(I)
redis.call('HSET', KEYS[2], inc, ijs)
redis.call('SET', KEYS[7], inc)
S['incident'] = inc
S['declared_by'] = ARGV[2]
S['declared_at'] = ARGV[3]
S['linked'] = table.concat(linked, ',')
S['call'] = ARGV[4]
if code == 3 then S['joined'] = true end
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(S))
return {code, ijs, S['linked']}
`

// dismissScript marks a suggested outage not related.
// KEYS: suggestions. ARGV: suggestion number, user.
// Returns {1, suggestion JSON} dismissed (or dismissed before), {2,
// suggestion JSON} declared already, {-1, empty} no such suggestion.
const dismissScript = `
local sjs = redis.call('HGET', KEYS[1], ARGV[1])
if not sjs then return {-1, ''} end
local S = cjson.decode(sjs)
if S['incident'] then return {2, sjs} end
if not S['dismissed_by'] then
  S['dismissed_by'] = ARGV[2]
  sjs = cjson.encode(S)
  redis.call('HSET', KEYS[1], ARGV[1], sjs)
end
return {1, sjs}
`

// resolveIncidentScript resolves an open incident and every ticket linked
// to it that is not closed, recording the note on each, and ends the
// incident's hold on its outage key. A resent call (the same call ID)
// returns what the first did.
// KEYS: incidents, tickets, events, claim due, resolve due, triage due, open
// index, claimed index, closed index, active incident.
// ARGV: incident number, user, now (RFC 3339), now ms, event JSON line,
// resolution, call ID.
// Returns {1, incident JSON, ticket JSON…} resolved with the tickets it
// closed, {2, incident JSON} resolved before, {-1} no such incident.
const resolveIncidentScript = indexLua + `
local ijs = redis.call('HGET', KEYS[1], ARGV[1])
if not ijs then return {-1, ''} end
local I = cjson.decode(ijs)
local out = {1, ijs}
if I['status'] == 'resolved' then
  if I['call'] ~= ARGV[7] then return {2, ijs} end
  for n in string.gmatch(I['tickets'], '%d+') do
    local js = redis.call('HGET', KEYS[2], n)
    if js then
      local t = cjson.decode(js)
      if t['resolved_at'] == ARGV[3] and t['resolution'] == ARGV[6] then table.insert(out, js) end
    end
  end
  return out
end
I['status'] = 'resolved'
I['resolved_by'] = ARGV[2]
I['resolved_at'] = ARGV[3]
I['call'] = ARGV[7]
ijs = cjson.encode(I)
out[2] = ijs
redis.call('HSET', KEYS[1], ARGV[1], ijs)
if redis.call('GET', KEYS[10]) == ARGV[1] then redis.call('DEL', KEYS[10]) end
for n in string.gmatch(I['tickets'], '%d+') do
  local js = redis.call('HGET', KEYS[2], n)
  if js then
    local t = cjson.decode(js)
    if t['status'] ~= 'resolved' and t['status'] ~= 'cancelled' then
      t['status'] = 'resolved'
      t['resolved_by'] = ARGV[2]
      t['resolved_at'] = ARGV[3]
      t['updated_at'] = ARGV[3]
      t['resolution'] = ARGV[6]
      t['rev'] = (t['rev'] or 0) + 1
      js = cjson.encode(t)
      redis.call('HSET', KEYS[2], n, js)
      redis.call('HSET', KEYS[3], n, (redis.call('HGET', KEYS[3], n) or '') .. ARGV[5])
      for k = 4, 6 do redis.call('ZREM', KEYS[k], n) end
      index(KEYS[7], KEYS[8], KEYS[9], n, t, ARGV[4])
      table.insert(out, js)
    end
  end
end
return out
`

// indexLua defines index(open, claimed, closed, n, t, at), which keeps the
// status indexes in step with ticket t's status: every script that changes a
// status calls it, so /ticket list and App Home read only active tickets, and
// summaries and retention read closed tickets by when they closed. A ticket
// keeps the time it first closed (at, ms); reopening it takes it off.
const indexLua = `
-- index keeps the status indexes in step with a ticket's status.
local function index(open, claimed, closed, n, t, at)
  if t['status'] == 'open' then
    redis.call('ZADD', open, 0, n)
    redis.call('ZREM', claimed, n)
    redis.call('ZREM', closed, n)
  elseif t['status'] == 'claimed' then
    redis.call('ZREM', open, n)
    redis.call('ZADD', claimed, 0, n)
    redis.call('ZREM', closed, n)
  else
    redis.call('ZREM', open, n)
    redis.call('ZREM', claimed, n)
    if t['status'] == 'resolved' or t['status'] == 'cancelled' then
      redis.call('ZADD', closed, 'NX', at, n)
    else
      redis.call('ZREM', closed, n)
    end
  end
end
`
