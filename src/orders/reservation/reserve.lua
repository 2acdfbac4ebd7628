-- Reserve one booking, all or nothing. Redis runs a script alone, so nothing can slip in between
-- the checks and the writes. Every key is passed in KEYS and shares the meal point's hash tag, so
-- the script is valid on Redis Cluster.
--
-- KEYS[1]  the meal point's "loaded" marker
-- KEYS[2]  the idempotency record (account, client key) -> first order id
-- KEYS[3]  the elder's live-order count for this date and slot
-- KEYS[4]  the meal point's fence: 'epoch|from|until' (from '' = open, until '' = no end)
-- KEYS[5]  the meal point's pending reservations (hash: order id -> what to give back)
-- KEYS[6]  this reservation's lease (lives ARGV[7] milliseconds unless confirmed)
-- KEYS[6+i] portions left of the i-th offering, in request order
-- ARGV[1]  order id           ARGV[2] idempotency record TTL, seconds
-- ARGV[3]  quota limit        ARGV[4] how long a new live-order count lives, seconds (worked
--                             out from the service's clock; Redis's own clock is never asked)
-- ARGV[5]  the meal date, YYYY-MM-DD (compared as text with the fence's days)
-- ARGV[6]  what a release of this reservation needs (stored in the pending hash)
-- ARGV[7]  the lease, milliseconds (a duration: Redis's clock only counts it down)
-- ARGV[6+2i] offering id of the i-th line (for the sold-out and counter-missing replies)
-- ARGV[7+2i] quantity of the i-th line
--
-- Replies: {'duplicate', order_id} | {'not_loaded'} | {'closed'} | {'quota_exceeded'}
--        | {'counter_missing', offering_id} | {'sold_out', offering_id, left}
--        | {'corrupt', key} | {'reserved'}

local first_order = redis.call('GET', KEYS[2])
if first_order then
  return {'duplicate', first_order}
end
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {'not_loaded'}
end

-- A pause or closure set on any instance refuses here, where the booking is decided.
local fence = redis.call('GET', KEYS[4])
if fence then
  local _, from, through = string.match(fence, '^(-?%d+)|([^|]*)|([^|]*)$')
  if from == nil then
    return {'corrupt', KEYS[4]}
  end
  if from ~= '' and ARGV[5] >= from and (through == '' or ARGV[5] <= through) then
    return {'closed'}
  end
end

local live = tonumber(redis.call('GET', KEYS[3]) or '0')
if not live then
  return {'corrupt', KEYS[3]}
end
if live >= tonumber(ARGV[3]) then
  return {'quota_exceeded'}
end

-- Every offering is checked before any is touched, so a refusal leaves all counters as they were.
-- A missing counter in a loaded meal point is lost state, not "none left": the caller fills it
-- from the database and asks again.
local lines = #KEYS - 6
for i = 1, lines do
  local raw = redis.call('GET', KEYS[6 + i])
  if not raw then
    return {'counter_missing', ARGV[6 + 2 * i]}
  end
  local left = tonumber(raw)
  if not left then
    return {'corrupt', KEYS[6 + i]}
  end
  if left < tonumber(ARGV[7 + 2 * i]) then
    return {'sold_out', ARGV[6 + 2 * i], raw}
  end
end

for i = 1, lines do
  redis.call('DECRBY', KEYS[6 + i], ARGV[7 + 2 * i])
end
-- A count created here (the elder's first order for the slot) needs the lifetime that load gives
-- the counts it installs; an existing count keeps the one it has.
if redis.call('INCR', KEYS[3]) == 1 then
  redis.call('EXPIRE', KEYS[3], ARGV[4])
end
redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[2])
-- Held until the writer confirms the order; a lease that runs out first (the instance crashed
-- between here and the database) is found by the sweeper, which gives it back.
redis.call('HSET', KEYS[5], ARGV[1], ARGV[6])
redis.call('SET', KEYS[6], '1', 'PX', ARGV[7])
return {'reserved'}
