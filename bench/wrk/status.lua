-- status.lua — wrk script for a fixed request (the URL and -H headers given
-- on wrk's command line): counts responses by status and prints one RESULT
-- line that bench/registry.sh reads. Used for the nginx reference and for
-- GET /api/v1/persons/{id}, so both run with the same script.
--
-- Script argument: the status that counts as a success (default 200).
--
-- The reporting part (response, setup, done) is the same as in
-- register.lua; keep the two in step.

-- A global, so that done() (run in wrk's main Lua state, where init() is
-- not called) can read it from a thread.
expected = 200

function init(args)
   expected = tonumber(args[1] or "200")
end

-- Per-thread status counts (a global, so done() can read it with get).
counts = {}

-- Responses that came with "Connection: close": each costs a new TCP
-- connection, and wrk also counts the close as a read error.
closed = 0

function response(status, headers, body)
   counts[status] = (counts[status] or 0) + 1
   local c = headers["Connection"] or headers["connection"]
   if c and c:lower() == "close" then
      closed = closed + 1
   end
end

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function done(summary, latency, requests)
   local ok, other, closed_all = 0, {}, 0
   local want = threads[1]:get("expected")
   for _, t in ipairs(threads) do
      closed_all = closed_all + t:get("closed")
      for status, n in pairs(t:get("counts")) do
         if status == want then
            ok = ok + n
         else
            other[status] = (other[status] or 0) + n
         end
      end
   end
   local parts = {}
   for status, n in pairs(other) do
      table.insert(parts, status .. ":" .. n)
   end
   table.sort(parts)
   local e = summary.errors
   local seconds = summary.duration / 1e6
   io.write(string.format(
      "RESULT responses=%d seconds=%.3f ok=%d ok_per_sec=%.1f "
         .. "p50_ms=%.2f p99_ms=%.2f other=%s closed=%d "
         .. "socket_errors=connect:%d,read:%d,write:%d,timeout:%d\n",
      summary.requests, seconds, ok, ok / seconds,
      latency:percentile(50) / 1000, latency:percentile(99) / 1000,
      #parts > 0 and table.concat(parts, ",") or "none", closed_all,
      e.connect, e.read, e.write, e.timeout))
end
