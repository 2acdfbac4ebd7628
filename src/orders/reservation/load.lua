-- Install a meal point's state from a database snapshot, unless it is loaded already: the first
-- rebuilder wins and later ones must not overwrite counters that bookings have moved since.
--
-- KEYS[1]  the meal point's "loaded" marker, then in this order:
--   ARGV[1] portion counters, ARGV[2] live-order counts, ARGV[3] idempotency records,
--   ARGV[4] released records (how many KEYS of each kind follow)
-- ARGV[5]  record TTL (idempotency and released), seconds
-- ARGV from 6 on, one group per key in KEYS order:
--   portion counter:  value, expiry (unix seconds)
--   live-order count: value, expiry (unix seconds)
--   idempotency:      order id
--   released:         (nothing)
--
-- Replies: {'already_loaded'} | {'loaded'}

if redis.call('EXISTS', KEYS[1]) == 1 then
  return {'already_loaded'}
end

local counters = tonumber(ARGV[1])
local counts = tonumber(ARGV[2])
local records = tonumber(ARGV[3])
local released = tonumber(ARGV[4])
local record_ttl = ARGV[5]

local key = 1
local arg = 6
-- EXAT in the past stores nothing, so state for a date that is already over is simply skipped.
for _ = 1, counters + counts do
  key = key + 1
  redis.call('SET', KEYS[key], ARGV[arg], 'EXAT', ARGV[arg + 1])
  arg = arg + 2
end
for _ = 1, records do
  key = key + 1
  redis.call('SET', KEYS[key], ARGV[arg], 'EX', record_ttl)
  arg = arg + 1
end
for _ = 1, released do
  key = key + 1
  redis.call('SET', KEYS[key], '1', 'EX', record_ttl)
end
redis.call('SET', KEYS[1], '1')
return {'loaded'}
