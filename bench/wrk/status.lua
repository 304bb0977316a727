-- status.lua — wrk script for a fixed request (the URL and -H headers given
-- on wrk's command line): counts responses by status and prints one RESULT
-- line that bench/registry.sh reads. Used for the nginx reference and for
-- GET /api/v1/persons/{id}, so both run with the same script.
--
-- Script argument: the status that counts as a success (default 200).
--
-- The reporting part (response, setup, done) is in report.lua, next to
-- this file.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")

-- A global, so that done() (run in wrk's main Lua state, where init() is
-- not called) can read it from a thread.
expected = 200

function init(args)
   expected = tonumber(args[1] or "200")
end
