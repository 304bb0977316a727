-- register.lua — wrk script: POST /api/v1/registrations, a NEW person in
-- every request, and count the responses by status (only 201 is a
-- success). Prints the RESULT line of report.lua.
--
-- Script arguments: GRID BASE NTHREADS
--   GRID      a 15-digit grid code of the demo database
--   BASE      where this run's numbering starts, so that two runs against
--             the same database never declare the same person
--   NTHREADS  wrk's -t, so that threads interleave their numbers
-- The Authorization and Content-Type headers come from wrk's -H options.
--
-- Request n (counted from BASE across all threads) gets the ID number
--   110105 (北京市朝阳区) + birth date 1950-01-01 + n/999 days
--   + sequence n%999+1 (3 digits) + check character (GB 11643, ISO 7064
--   MOD 11-2),
-- which leaves 18 million distinct numbers, and the name 压测人员, by which
-- bench/registry.sh counts the stored registrations afterwards.

local WEIGHTS = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 }
local CHECK = "10X98765432"

-- Noon on 1950-01-01 (local time; noon keeps DST shifts off the date).
local EPOCH = os.time({ year = 1950, month = 1, day = 1, hour = 12 })

local function id_number(n)
   local day, seq = math.floor(n / 999), n % 999 + 1
   local birth = os.date("%Y%m%d", EPOCH + day * 86400)
   local body = "110105" .. birth .. string.format("%03d", seq)
   local sum = 0
   for i = 1, 17 do
      sum = sum + tonumber(body:sub(i, i)) * WEIGHTS[i]
   end
   local c = sum % 11 + 1
   return body .. CHECK:sub(c, c)
end

local BODY = '{"person":{"id_number":"%s","name":"压测人员","ethnicity":"01",'
   .. '"hukou_code":"110105","phone":"13800000000"},'
   .. '"address":{"grid":"%s","road":"经十路"},'
   .. '"arrival_date":"2025-09-26","declared_date":"2025-09-29",'
   .. '"reason":"work","housing":"rented"}'

-- The reporting part (response, setup, done) is in report.lua, next to
-- this file.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")

-- Globals of each thread's Lua state: tid (report.lua) is set by setup(),
-- the rest by init(); expected is read back by done().
expected = 201
local grid, next_n, stride

function init(args)
   grid = assert(args[1], "register.lua: GRID argument missing")
   next_n = tonumber(args[2] or "0") + tid
   stride = tonumber(args[3] or "1")
end

function request()
   local n = next_n
   next_n = next_n + stride
   return wrk.format("POST", nil, nil, string.format(BODY, id_number(n), grid))
end
