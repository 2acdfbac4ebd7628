-- Set a meal point's fence (its status as bookings see it) unless the store holds a newer one.
--
-- KEYS[1]  the meal point's fence: 'epoch|from|until' (from '' = open, until '' = no end)
-- ARGV[1]  the new fence's epoch    ARGV[2] the new fence, in the same form
--
-- The fence never expires: like the "loaded" marker it must outlive every booking it guards.
--
-- Replies: 'set' | 'kept' (the store's fence is newer)

local current = redis.call('GET', KEYS[1])
if current then
  local epoch = tonumber(string.match(current, '^(-?%d+)|'))
  if epoch and epoch > tonumber(ARGV[1]) then
    return 'kept'
  end
end
redis.call('SET', KEYS[1], ARGV[2])
return 'set'
