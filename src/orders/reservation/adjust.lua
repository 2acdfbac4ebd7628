-- Apply an operator's change to an offering's portions, refusing to go below zero (that would take
-- back portions already booked).
--
-- KEYS[1]  the meal point's "loaded" marker
-- KEYS[2]  portions left of the offering
-- ARGV[1]  delta        ARGV[2] when the counter expires, unix seconds
--
-- Replies: {'not_loaded'} | {'would_go_negative', left} | {'corrupt', key} | {'adjusted', left}

if redis.call('EXISTS', KEYS[1]) == 0 then
  return {'not_loaded'}
end
local raw = redis.call('GET', KEYS[2]) or '0'
local left = tonumber(raw)
if not left then
  return {'corrupt', KEYS[2]}
end
if left + tonumber(ARGV[1]) < 0 then
  return {'would_go_negative', raw}
end
local after = redis.call('INCRBY', KEYS[2], ARGV[1])
-- A newly published offering gets its counter here; give it the expiry load would have given.
redis.call('EXPIREAT', KEYS[2], ARGV[2])
return {'adjusted', tostring(after)}
