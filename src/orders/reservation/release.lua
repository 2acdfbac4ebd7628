-- Give a cancelled order's portions and quota back, at most once per order id.
--
-- KEYS[1]  the meal point's "loaded" marker
-- KEYS[2]  the released record of this order
-- KEYS[3]  the elder's live-order count for this date and slot
-- KEYS[4]  the idempotency record to drop if it names this order (a booking that never became an
--          order), or the released record again when there is none to drop
-- KEYS[5]  the meal point's pending reservations (hash: order id -> what to give back)
-- KEYS[6]  the order's lease
-- KEYS[6+i] portions left of the i-th offering of the order
-- ARGV[1]  released record TTL, seconds
-- ARGV[2]  the order id, or '' to keep the idempotency record (a cancelled order)
-- ARGV[3]  the order id
-- ARGV[3+i] quantity of the i-th line
--
-- Replies: {'already_released'} | {'not_loaded'} | {'corrupt', key} | {'released'}

-- Whatever the answer, the reservation is no longer pending: the sweeper must not give it back.
local function settle()
  redis.call('HDEL', KEYS[5], ARGV[3])
  redis.call('DEL', KEYS[6])
end

if redis.call('EXISTS', KEYS[2]) == 1 then
  settle()
  return {'already_released'}
end
if redis.call('EXISTS', KEYS[1]) == 0 then
  settle()
  return {'not_loaded'}
end

-- Read everything first: a counter that is not a number must stop the script before any write.
local live = redis.call('GET', KEYS[3])
if live and not tonumber(live) then
  return {'corrupt', KEYS[3]}
end
local lines = #KEYS - 6
local known = {}
for i = 1, lines do
  local left = redis.call('GET', KEYS[6 + i])
  if left and not tonumber(left) then
    return {'corrupt', KEYS[6 + i]}
  end
  -- Only offerings the state knows get portions back, so a release never invents an offering.
  known[i] = left ~= false
end

for i = 1, lines do
  if known[i] then
    redis.call('INCRBY', KEYS[6 + i], ARGV[3 + i])
  end
end
if live and tonumber(live) > 0 then
  redis.call('DECR', KEYS[3])
end
redis.call('SET', KEYS[2], '1', 'EX', ARGV[1])
if ARGV[2] ~= '' and redis.call('GET', KEYS[4]) == ARGV[2] then
  redis.call('DEL', KEYS[4])
end
settle()
return {'released'}
