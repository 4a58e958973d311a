-- Confirmation load for wrk: each thread takes its share of the confirmation tokens (one per line in
-- a file), opens the confirmation page of one of its links like a browser (the page with the button
-- carries a CSRF token and sets its cookie), then presses the confirmation button of each link once.
-- A thread stops when its tokens are used up.
-- Arguments: <tokens file> <number of threads> [<unused, kept for older callers>].
local threads = {}
local next_id = 1

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  local file, nthreads = args[1], tonumber(args[2])
  tokens, cookie, csrf, posted, other = {}, nil, nil, 0, 0
  local i = 0
  for line in io.lines(file) do
    if i % nthreads == tid - 1 and line ~= "" then
      table.insert(tokens, line)
    end
    i = i + 1
  end
  page_path = tokens[1] and ("/confirm/" .. tokens[1]) or "/"
end

function request()
  if csrf then
    local token = table.remove(tokens)
    if token then
      posted = posted + 1
      return wrk.format("POST", "/confirm/" .. token,
        { ["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = cookie }, "csrf=" .. csrf)
    end
    wrk.thread:stop()
  end
  return wrk.format("GET", page_path)
end

function response(status, headers, body)
  if status ~= 200 then
    other = other + 1
  elseif not csrf then
    local set = headers["Set-Cookie"] or headers["set-cookie"]
    local token = body:match('name="csrf" value="([^"]+)"')
    if set and token then
      cookie, csrf = set:match("^([^;]+)"), token
    end
  end
end

function done(summary, latency, requests)
  local p, o = 0, 0
  for _, t in ipairs(threads) do
    p = p + t:get("posted")
    o = o + t:get("other")
  end
  io.write(string.format("BENCH posted=%d other=%d seconds=%.3f\n", p, o, summary.duration / 1e6))
end
