-- Add a newly published offering's counter, or apply an operator's change to an existing one,
-- refusing to go below zero (that would take back portions already booked).
--
-- KEYS[1]  the meal point's "loaded" marker
-- KEYS[2]  portions left of the offering
-- ARGV[1]  'add' (ARGV[2] = the new offering's portions) or 'change' (ARGV[2] = the delta)
-- ARGV[3]  how long the counter lives, seconds (worked out from the service's clock)
--
-- Replies: {'not_loaded'} | {'counter_missing'} | {'would_go_negative', left} | {'corrupt', key}
--        | {'adjusted', left}

if redis.call('EXISTS', KEYS[1]) == 0 then
  return {'not_loaded'}
end
local raw = redis.call('GET', KEYS[2])
if ARGV[1] == 'add' then
  -- A rebuild that ran after the offering was written to the database counted it already; keep
  -- that counter (bookings may have moved it) rather than counting the portions twice.
  if raw then
    return {'adjusted', raw}
  end
  redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])
  return {'adjusted', ARGV[2]}
end
if not raw then
  -- Lost state: the next booking of this offering fills the counter from the database, which
  -- already holds the new capacity.
  return {'counter_missing'}
end
local left = tonumber(raw)
if not left then
  return {'corrupt', KEYS[2]}
end
if left + tonumber(ARGV[2]) < 0 then
  return {'would_go_negative', raw}
end
local after = redis.call('INCRBY', KEYS[2], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[3])
return {'adjusted', tostring(after)}
