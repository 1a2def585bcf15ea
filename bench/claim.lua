-- claim.lua - POST /api/v1/queue/next as a support worker does it: claim a ticket, hand it back
-- with {"done": <id>} and claim the next one, again and again.
--   wrk -t32 -c32 -s bench/claim.lua http://HOST:PORT/api/v1/queue/next -- TOKEN_FILE
-- TOKEN_FILE holds one API token a line; wrk thread i uses line i, so every thread is a different
-- person. The server lets a person hold one claim, so run exactly one connection per thread
-- (-t N -c N, N <= lines in the file): each thread's requests and responses then alternate strictly
-- and the id a thread holds is always the one in the last 200 it got.
-- Ends with the floor's RESULT line and one CLAIMS line:
--   CLAIMS claims=<200s> empty=<204s> other=<other statuses> rps=<claims per second>
-- then a "CLAIMS_STATUS <code> <count>" line for each other status seen.
local here = debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./"
local floor = os.getenv("FLOOR_DIR") or (here .. "../../shared/floor")
dofile(floor .. "/report.lua") -- report(), add_header(); its setup() is replaced below

local threads = {}
setup = function(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

init = function(args)
  local file = args[1] or error("claim.lua: give a token file: wrk ... -- TOKENS")
  local n, token = 0, nil
  for line in io.lines(file) do
    if line ~= "" then
      n = n + 1
      if n == tid then token = line end
    end
  end
  if not token then error(string.format("claim.lua: thread %d has no token (%d in %s)", tid, n, file)) end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. token
  held, claims, empty, other = nil, 0, 0, 0
  statuses, status_list = {}, "" -- the other statuses, as "503:2,500:1"
end

request = function()
  local body = held and string.format('{"done":%d}', held) or "{}"
  return wrk.format(nil, nil, nil, body)
end

response = function(status, headers, body)
  if status == 200 then
    claims = claims + 1
    -- the Ticket object opens with its own "id"; nested objects (requester, messages) come later
    held = tonumber(body:match('"id"%s*:%s*(%d+)'))
  elseif status == 204 then
    empty = empty + 1 -- the queue is empty: this person holds nothing now
    held = nil
  else
    other = other + 1
    statuses[status] = (statuses[status] or 0) + 1
    local parts = {}
    for code, n in pairs(statuses) do table.insert(parts, code .. ":" .. n) end
    status_list = table.concat(parts, ",")
  end
end

done = function(summary, latency, requests)
  report(summary, latency, requests)
  local c, e, o, by = 0, 0, 0, {}
  for _, t in ipairs(threads) do
    c = c + (t:get("claims") or 0)
    e = e + (t:get("empty") or 0)
    o = o + (t:get("other") or 0)
    for code, n in (t:get("status_list") or ""):gmatch("(%d+):(%d+)") do
      by[code] = (by[code] or 0) + tonumber(n)
    end
  end
  io.write(string.format("CLAIMS claims=%d empty=%d other=%d rps=%.1f\n",
    c, e, o, c / (summary.duration / 1e6)))
  for code, n in pairs(by) do io.write(string.format("CLAIMS_STATUS %s %d\n", code, n)) end
end
