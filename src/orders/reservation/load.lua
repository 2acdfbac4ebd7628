-- Install a meal point's state from a database snapshot.
--
-- ARGV[6] = 'load': only if the meal point is not loaded already; the first rebuilder wins and
--   later ones must not overwrite counters that bookings have moved since.
-- ARGV[6] = 'fill': the meal point may be loaded; install only the keys that are missing (SET NX),
--   so every key that exists, and what bookings did to it, stays as it is.
--
-- KEYS[1]  the meal point's "loaded" marker
-- KEYS[2]  the meal point's fence (see fence.lua), then in this order:
--   ARGV[1] portion counters, ARGV[2] live-order counts, ARGV[3] idempotency records,
--   ARGV[4] released records (how many KEYS of each kind follow)
-- ARGV[5]  record TTL (idempotency and released), seconds
-- ARGV[7]  the snapshot's fence epoch   ARGV[8] the snapshot's fence
-- ARGV from 9 on, one group per key in KEYS order:
--   portion counter:  value, lifetime in seconds (worked out from the service's clock)
--   live-order count: value, lifetime in seconds
--   idempotency:      order id
--   released:         (nothing)
--
-- Replies: {'already_loaded'} | {'loaded'} | {'filled', counters filled}

local fill = ARGV[6] == 'fill'

-- The fence follows its own rule in both modes: the newest epoch wins, so a snapshot read before
-- a pause cannot reopen the meal point, and one read after it heals a fence that never arrived.
local fence = redis.call('GET', KEYS[2])
local fence_epoch = fence and tonumber(string.match(fence, '^(-?%d+)|'))
if not fence_epoch or fence_epoch <= tonumber(ARGV[7]) then
  redis.call('SET', KEYS[2], ARGV[8])
end

if not fill and redis.call('EXISTS', KEYS[1]) == 1 then
  return {'already_loaded'}
end

local counters = tonumber(ARGV[1])
local counts = tonumber(ARGV[2])
local records = tonumber(ARGV[3])
local released = tonumber(ARGV[4])
local record_ttl = ARGV[5]

local function set(key, value, ttl)
  if fill then
    return redis.call('SET', key, value, 'EX', ttl, 'NX')
  end
  return redis.call('SET', key, value, 'EX', ttl)
end

local key = 2
local arg = 9
local counters_filled = 0
for i = 1, counters + counts do
  key = key + 1
  if set(KEYS[key], ARGV[arg], ARGV[arg + 1]) and i <= counters then
    counters_filled = counters_filled + 1
  end
  arg = arg + 2
end
for _ = 1, records do
  key = key + 1
  set(KEYS[key], ARGV[arg], record_ttl)
  arg = arg + 1
end
for _ = 1, released do
  key = key + 1
  set(KEYS[key], '1', record_ttl)
end
redis.call('SET', KEYS[1], '1')
if fill then
  return {'filled', tostring(counters_filled)}
end
return {'loaded'}
