-- report.lua — the reporting part shared by status.lua and register.lua,
-- loaded by each with dofile: counts the responses by status and prints
-- the one RESULT line that bench/registry.sh and bench/verify.sh read.
-- The loading script sets the global `expected` (the status that counts as
-- a success).

-- Per-thread status counts and "Connection: close" responses (globals, so
-- done() can read them with get). Each close costs a new TCP connection,
-- and wrk also counts it as a read error.
counts = {}
closed = 0

-- Each thread's index (0, 1, ...), for scripts that interleave numbering.
tid = 0

function response(status, headers, body)
   counts[status] = (counts[status] or 0) + 1
   local c = headers["Connection"] or headers["connection"]
   if c and c:lower() == "close" then
      closed = closed + 1
   end
end

local threads = {}

function setup(thread)
   thread:set("tid", #threads)
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
