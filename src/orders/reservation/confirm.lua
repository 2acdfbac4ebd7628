-- The order of a reservation is durable in the database: its lease is no longer needed.
--
-- KEYS[1]  the meal point's pending reservations    KEYS[2] the order's lease
-- ARGV[1]  the order id
--
-- Reply: 1 if the reservation was pending, 0 if not (confirmed or released already).

redis.call('DEL', KEYS[2])
return redis.call('HDEL', KEYS[1], ARGV[1])
