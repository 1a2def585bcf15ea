-- lint.lua - POST /api/v1/lint with the same draft again and again, as the reply box does while
-- someone types.
--   wrk -t2 -c32 -s bench/lint.lua http://HOST:PORT/api/v1/lint -- BODY_FILE "Authorization:Bearer T"
-- BODY_FILE holds the JSON body ({"text": "...", "ticket_id": N}). Ends with the floor's RESULT line.
local here = debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./"
local floor = os.getenv("FLOOR_DIR") or (here .. "../../shared/floor")
dofile(floor .. "/report.lua")

init = function(args)
  local f = assert(io.open(args[1] or error("lint.lua: give a body file"), "rb"))
  wrk.body = f:read("*a")
  f:close()
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  add_header(args[2])
end
done = report
